package dev.godotsignal.lobby;

/**
 * What a connection's join deadline found, decided by the removal itself (see {@code
 * SignalingStore#expireUnjoined}): a JOIN that commits while the deadline is being handled keeps
 * its lobby, and one that commits after the removal finds its connection gone.
 */
public sealed interface DeadlineOutcome {

    /** In no lobby (and, at its first deadline, silent): removed; its socket is to be closed. */
    record Expired(Connection connection) implements DeadlineOutcome {}

    /** It has sent a frame but is in no lobby yet: its JOIN or MATCH may still be in flight. */
    record JoinInFlight() implements DeadlineOutcome {}

    /** It is in a lobby now. */
    record Joined() implements DeadlineOutcome {}

    /** There is no such connection (any more). */
    record Gone() implements DeadlineOutcome {}
}
