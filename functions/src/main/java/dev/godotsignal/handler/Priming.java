package dev.godotsignal.handler;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart hooks (CRaC API). Before the snapshot: run the hot paths once — a DynamoDB call (SDK,
 * HTTP client, signer, endpoint rules), a management and an SQS client, a JSON round trip — so the
 * snapshot holds loaded, initialised classes instead of the first player paying for them. After
 * restore: re-seed the random generators, since every environment restored from one snapshot would
 * otherwise draw the same lobby names and peer ids.
 */
final class Priming implements Resource {
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
        prime.run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        reseed.run();
    }
}
