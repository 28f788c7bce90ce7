package dev.godotsignal.signaling;

/** Work the service asks to be done later, without a server: a delayed message (SQS) carries it. */
public sealed interface Timer {

    /** Close the signaling sockets of a sealed lobby (the seal delay is over). */
    record SealClose(String lobby) implements Timer {}

    /**
     * Look at a connection again: one that has not joined by now is closed (the join deadline); one
     * whose socket is gone without a {@code $disconnect} is removed and announced; a live one is
     * checked again later.
     */
    record ConnectionCheck(String connectionId) implements Timer {}

    /**
     * The join deadline of a connection that had sent a frame but was in no lobby yet (its JOIN or
     * MATCH still in flight, e.g. queued behind a burst): it gets this one more deadline, then it
     * is closed if it is still in no lobby.
     */
    record JoinGrace(String connectionId) implements Timer {}

    /**
     * A suspended peer's grace is over: if {@code connectionId} is still its connection (it did not
     * resume), it leaves as if it had closed then.
     */
    record ResumeExpiry(String connectionId) implements Timer {}

    /**
     * A resumed connection is open: tell it its id, token, what happened meanwhile and what was
     * kept for it ({@code received}: frames its connections had delivered, all told). A timer
     * because API Gateway lets nothing be sent to a connection before its {@code $connect} returns.
     */
    record ResumeGreeting(String connectionId, long received) implements Timer {}
}
