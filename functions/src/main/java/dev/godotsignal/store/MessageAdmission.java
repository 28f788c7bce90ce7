package dev.godotsignal.store;

/** A client frame counted against its connection's rate limit, with the connection as it is now. */
public sealed interface MessageAdmission {

    record Admitted(Connection connection) implements MessageAdmission {
    }

    /** Over the limit: a flood. */
    record RateLimited(Connection connection) implements MessageAdmission {
    }

    /** No live connection record (never connected, closed meanwhile, or expired). */
    record UnknownConnection() implements MessageAdmission {
    }
}
