package dev.godotsignal.lobby;

import java.time.Duration;

/**
 * The configurable limits and deadlines (template parameters), validated once at start-up.
 *
 * @param joinDeadline a connection that has not joined a lobby by then is closed
 * @param livenessInterval how often a joined connection is checked for a lost {@code $disconnect}
 * @param messagesPerSecond per-connection token bucket refill rate; 0 turns the limiter off
 * @param messageBurst the bucket's size: a mesh joiner trickles many candidates at once
 * @param resumeGrace how long an extension peer whose socket dropped before SEAL stays suspended,
 *     waiting to resume; zero turns resuming off
 */
public record Limits(
        int maxPeersPerLobby,
        int maxLobbies,
        int maxMessageBytes,
        Duration sealCloseDelay,
        Duration joinDeadline,
        Duration livenessInterval,
        int messagesPerSecond,
        int messageBurst,
        Duration resumeGrace) {

    /** SQS's longest message delay, which carries every timer. */
    public static final Duration MAX_TIMER_DELAY = Duration.ofMinutes(15);

    /** API Gateway's own limits: a frame, and a message (frames joined); ours stay below them. */
    public static final int API_GATEWAY_MAX_FRAME_BYTES = 32 * 1024;

    public static final int API_GATEWAY_MAX_MESSAGE_BYTES = 128 * 1024;

    /** The values a limit accepts; {@code max} {@link Long#MAX_VALUE} means no upper bound. */
    public record Range(long min, long max) {
        public boolean contains(long value) {
            return value >= min && value <= max;
        }

        void check(String name, long value) {
            if (!contains(value)) {
                throw new IllegalArgumentException(name + " must be in " + this + ", was " + value);
            }
        }

        @Override
        public String toString() {
            return min + ".." + (max == Long.MAX_VALUE ? "" : Long.toString(max));
        }
    }

    // What each limit accepts. The template's parameters declare the same ranges (SamTemplateTest
    // compares them), so a deployment can never be configured into a value the functions refuse.
    public static final Range PEERS_PER_LOBBY = new Range(2, 4096);
    public static final Range LOBBIES = new Range(1, Long.MAX_VALUE);
    public static final Range MESSAGE_BYTES = new Range(256, API_GATEWAY_MAX_MESSAGE_BYTES - 1);
    public static final Range SEAL_CLOSE_DELAY_SECONDS = new Range(0, MAX_TIMER_DELAY.toSeconds());
    public static final Range JOIN_DEADLINE_SECONDS = new Range(1, MAX_TIMER_DELAY.toSeconds());
    public static final Range LIVENESS_SECONDS = new Range(1, MAX_TIMER_DELAY.toSeconds());
    public static final Range MESSAGES_PER_SECOND = new Range(0, Long.MAX_VALUE);
    public static final Range MESSAGE_BURST = new Range(1, Long.MAX_VALUE);
    public static final Range RESUME_GRACE_SECONDS = new Range(0, MAX_TIMER_DELAY.toSeconds());

    public Limits {
        PEERS_PER_LOBBY.check("maxPeersPerLobby", maxPeersPerLobby);
        LOBBIES.check("maxLobbies", maxLobbies);
        MESSAGE_BYTES.check("maxMessageBytes", maxMessageBytes);
        SEAL_CLOSE_DELAY_SECONDS.check("sealCloseDelay (s)", sealCloseDelay.toSeconds());
        JOIN_DEADLINE_SECONDS.check("joinDeadline (s)", joinDeadline.toSeconds());
        LIVENESS_SECONDS.check("livenessInterval (s)", livenessInterval.toSeconds());
        MESSAGES_PER_SECOND.check("messagesPerSecond", messagesPerSecond);
        MESSAGE_BURST.check("messageBurst", messageBurst);
        RESUME_GRACE_SECONDS.check("resumeGrace (s)", resumeGrace.toSeconds());
        if (sealCloseDelay.isNegative()
                || joinDeadline.isNegative()
                || livenessInterval.isNegative()
                || resumeGrace.isNegative()) {
            throw new IllegalArgumentException("durations cannot be negative");
        }
        if (messageBurst < messagesPerSecond) {
            throw new IllegalArgumentException(
                    "messageBurst must be at least messagesPerSecond (0 = no limit)");
        }
    }

    /**
     * The flood limit as fixed windows that never contend with themselves: windows of {@code burst
     * / perSecond} seconds (at least one) admit {@code burst} messages each, the token bucket's
     * burst and long-run rate. {@code budget} 0 means no limit.
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
        long windowMillis =
                Math.max(1000, (long) ((double) messageBurst / messagesPerSecond * 1000));
        return new RateWindow(now.toEpochMilli() / windowMillis, messageBurst);
    }

    public static Limits defaults() {
        return new Limits(
                32,
                1024,
                16 * 1024,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofMinutes(5),
                50,
                400,
                Duration.ofSeconds(20));
    }

    /** Whether a dropped extension peer is suspended to resume (a grace above zero). */
    public boolean resumes() {
        return !resumeGrace.isZero();
    }
}
