package dev.godotsignal.chaos;

import java.time.Duration;

/**
 * Faults the local gateway injects on purpose, from a fixed seed so a failing run can be replayed
 * (the decisions repeat; thread timing still varies).
 *
 * @param maxDelay each frame waits a random 0..maxDelay before its invocation, so the frames of one
 *     connection run out of order, as API Gateway allows
 * @param goneRate share of {@code @connections} POSTs whose connection dies on the spot (dropped
 *     without a close handshake) and answers 410
 * @param throttleRate share of the handlers' DynamoDB calls refused with
 *     ProvisionedThroughputExceededException before they run
 * @param dropDisconnectRate share of closes whose {@code $disconnect} never comes
 * @param crashRate share of invocations after which the execution environment dies, so the next
 *     event gets a fresh one (cold start, no state carried over)
 * @param dropRate share of connections that the network drops once, without a close handshake, at a
 *     random moment within {@link #DROP_WINDOW} of opening (a connection that resumes is not
 *     dropped again)
 */
public record ChaosOptions(
        long seed,
        Duration maxDelay,
        double goneRate,
        double throttleRate,
        double dropDisconnectRate,
        double crashRate,
        double dropRate) {

    /**
     * A connection chosen for a drop is dropped no sooner than this after it opens, nor sooner than
     * this after the gateway's first frame to it: by then a client has joined and holds its resume
     * token (a drop before that is a failed join, not a blip), however slow the machine.
     */
    public static final Duration DROP_AFTER = Duration.ofSeconds(1);

    /** How long after {@link #DROP_AFTER} a chosen connection may be dropped. */
    public static final Duration DROP_WINDOW = Duration.ofSeconds(4);

    public static ChaosOptions none() {
        return new ChaosOptions(0, Duration.ZERO, 0, 0, 0, 0, 0);
    }

    /** The same faults, plus connections dropped by the network at {@code rate}. */
    public ChaosOptions withDrops(double rate) {
        return new ChaosOptions(
                seed, maxDelay, goneRate, throttleRate, dropDisconnectRate, crashRate, rate);
    }

    /** The mix the CI suite runs under. */
    public static ChaosOptions standard(long seed) {
        return new ChaosOptions(seed, Duration.ofMillis(40), 0.0, 0.05, 0.3, 0.05, 0.0);
    }

    public boolean active() {
        return (!maxDelay.isZero() && !maxDelay.isNegative())
                || goneRate > 0
                || throttleRate > 0
                || dropDisconnectRate > 0
                || crashRate > 0
                || dropRate > 0;
    }

    @Override
    public String toString() {
        return "seed "
                + seed
                + ", delay ≤"
                + maxDelay.toMillis()
                + " ms, 410 "
                + pct(goneRate)
                + ", throttle "
                + pct(throttleRate)
                + ", lost $disconnect "
                + pct(dropDisconnectRate)
                + ", crashes "
                + pct(crashRate)
                + ", dropped connections "
                + pct(dropRate);
    }

    private static String pct(double rate) {
        return Math.round(rate * 1000) / 10.0 + " %";
    }
}
