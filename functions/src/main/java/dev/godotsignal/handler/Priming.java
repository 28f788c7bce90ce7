package dev.godotsignal.handler;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart hooks (CRaC API). Before the snapshot: run the hot paths once — a DynamoDB round trip
 * the function's role allows (see {@link PrimingPlan}), the management and SQS clients, a JSON
 * round trip — so the snapshot holds loaded, initialised classes instead of the first player paying
 * for them. After restore: re-seed the random generators, since every environment restored from one
 * snapshot would otherwise draw the same lobby names and peer ids.
 *
 * <p>Lambda runs {@code beforeCheckpoint} when a version is published; if it throws, the publish
 * (and so the deployment) fails. Priming is an optimisation, so a step that fails is logged and
 * skipped ({@link #attempt}), and nothing escapes the hook.
 */
final class Priming implements Resource {
    private static final System.Logger LOG = System.getLogger(Priming.class.getName());

    private final Runnable prime;
    private final Runnable reseed;

    Priming(Runnable prime, Runnable reseed) {
        this.prime = prime;
        this.reseed = reseed;
    }

    /**
     * Registers with the global context; the caller keeps this object (CRaC holds resources
     * weakly).
     */
    Priming register() {
        Core.getGlobalContext().register(this);
        return this;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        attempt("all", prime);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        reseed.run();
    }

    /**
     * Runs one priming step; a failure is logged (the step and the exception's class and message:
     * no event data, no secrets) and skipped.
     */
    static void attempt(String step, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "priming step '"
                            + step
                            + "' failed and was skipped (the snapshot is taken without it): "
                            + e.getClass().getName()
                            + ": "
                            + e.getMessage());
        }
    }
}
