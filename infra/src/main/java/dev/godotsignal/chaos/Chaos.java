package dev.godotsignal.chaos;

import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Draws the injected faults: one seeded generator, shared by every decision point. */
public final class Chaos {
    private final ChaosOptions options;
    private final Random random;
    private final AtomicLong throttles = new AtomicLong();

    public Chaos(ChaosOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    public ChaosOptions options() {
        return options;
    }

    public synchronized long delayMillis() {
        long max = options.maxDelay().toMillis();
        return max <= 0 ? 0 : (long) (random.nextDouble() * (max + 1));
    }

    public synchronized boolean gone() {
        return roll(options.goneRate());
    }

    public synchronized boolean throttle() {
        boolean throttle = roll(options.throttleRate());
        if (throttle) {
            throttles.incrementAndGet();
        }
        return throttle;
    }

    /** How many DynamoDB calls {@link #throttle()} has refused so far. */
    public long throttles() {
        return throttles.get();
    }

    public synchronized boolean dropDisconnect() {
        return roll(options.dropDisconnectRate());
    }

    /**
     * Whether a new connection is to be dropped, and when (milliseconds after it opened): empty for
     * most.
     */
    public synchronized OptionalLong dropAfterMillis() {
        if (!roll(options.dropRate())) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(
                ChaosOptions.DROP_AFTER.toMillis()
                        + (long) (random.nextDouble() * ChaosOptions.DROP_WINDOW.toMillis()));
    }

    public synchronized boolean crash() {
        return roll(options.crashRate());
    }

    private boolean roll(double rate) {
        return rate > 0 && random.nextDouble() < rate;
    }
}
