package dev.godotsignal.resume;

/** What {@link ResumeStore#suspend} did. */
public sealed interface Suspension {

    /** The peer is now suspended: its grace starts. */
    record Suspended(String lobby, int peerId) implements Suspension {}

    /** It already was (a 410 and its $disconnect, say): nothing starts again. */
    record AlreadySuspended(String lobby, int peerId) implements Suspension {}

    /**
     * Not a peer that resumes (a demo client, not in a lobby, or a sealed lobby): it leaves, as
     * before resuming existed.
     */
    record NotSuspendable() implements Suspension {}

    /**
     * No record of the connection, or its peer is on another connection now: it left, or a resume
     * replaced this connection (frames for it follow the peer).
     */
    record NoRecord() implements Suspension {}
}
