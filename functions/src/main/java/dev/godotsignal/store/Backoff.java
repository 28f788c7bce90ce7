package dev.godotsignal.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry pause of the store: full jitter, so racing writers spread out instead of colliding
 * in lockstep.
 */
final class Backoff {
    private Backoff() {}

    static void pause(int attempt) {
        long cap = Math.min(200, 5L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying", e);
        }
    }
}
