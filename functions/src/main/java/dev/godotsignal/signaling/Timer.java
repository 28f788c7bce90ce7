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
}
