package dev.godotsignal.lobby;

import java.time.Duration;

/**
 * The configurable limits and deadlines (template parameters), validated once at start-up.
 *
 * @param joinDeadline     a connection that has not joined a lobby by then is closed
 * @param livenessInterval how often a joined connection is checked for a lost {@code $disconnect}
 * @param messagesPerSecond per-connection token bucket refill rate; 0 turns the limiter off
 * @param messageBurst      the bucket's size: a mesh joiner trickles many candidates at once
 */
public record Limits(int maxPeersPerLobby, int maxLobbies, int maxMessageBytes, Duration sealCloseDelay,
                     Duration joinDeadline, Duration livenessInterval, int messagesPerSecond, int messageBurst) {

    /** SQS's longest message delay, which carries every timer. */
    public static final Duration MAX_TIMER_DELAY = Duration.ofMinutes(15);

    /** API Gateway's own message limit; ours must stay below it. */
    public static final int API_GATEWAY_MAX_MESSAGE_BYTES = 128 * 1024;

    public Limits {
        if (maxPeersPerLobby < 2) {
            throw new IllegalArgumentException("maxPeersPerLobby must be at least 2, was " + maxPeersPerLobby);
        }
        if (maxLobbies < 1) {
            throw new IllegalArgumentException("maxLobbies must be at least 1, was " + maxLobbies);
        }
        if (maxMessageBytes < 256 || maxMessageBytes >= API_GATEWAY_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes must be in 256..131071, was " + maxMessageBytes);
        }
        if (sealCloseDelay.isNegative() || sealCloseDelay.compareTo(MAX_TIMER_DELAY) > 0) {
            throw new IllegalArgumentException("sealCloseDelay must be 0..900 s");
        }
        if (joinDeadline.isNegative() || joinDeadline.isZero() || joinDeadline.compareTo(MAX_TIMER_DELAY) > 0) {
            throw new IllegalArgumentException("joinDeadline must be 1..900 s");
        }
        if (messagesPerSecond < 0 || messageBurst < messagesPerSecond) {
            throw new IllegalArgumentException("messagesPerSecond must be >= 0 (0 = no limit) and messageBurst at least as large");
        }
        if (livenessInterval.compareTo(Duration.ofSeconds(1)) < 0 || livenessInterval.compareTo(MAX_TIMER_DELAY) > 0) {
            throw new IllegalArgumentException("livenessInterval must be 1..900 s");
        }
    }

    /**
     * The flood limit as fixed windows that never contend with themselves: windows of
     * {@code burst / perSecond} seconds (at least one) admit {@code burst} messages each, the token
     * bucket's burst and long-run rate. {@code budget} 0 means no limit.
     */
    public record RateWindow(long index, int budget) {
        public static final RateWindow UNLIMITED = new RateWindow(0, 0);

        public boolean limited() {
            return budget > 0;
        }
    }

    /** The rate window {@code now} falls in. */
    public RateWindow rateWindow(java.time.Instant now) {
        if (messagesPerSecond <= 0) {
            return RateWindow.UNLIMITED;
        }
        long windowMillis = Math.max(1000, (long) ((double) messageBurst / messagesPerSecond * 1000));
        return new RateWindow(now.toEpochMilli() / windowMillis, messageBurst);
    }

    public static Limits defaults() {
        return new Limits(32, 1024, 16 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(5), 50, 400);
    }
}
