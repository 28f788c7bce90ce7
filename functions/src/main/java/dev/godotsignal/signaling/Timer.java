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
