package dev.godotsignal.relay;

import dev.godotsignal.lobby.Connection;

/** A client frame counted against its connection's rate limit, with the connection as it is now. */
public sealed interface MessageAdmission {

    /** Admitted; {@code gate} is what the pair's ordering gate said at that instant. */
    record Admitted(Connection connection, OrderingGate gate) implements MessageAdmission {}

    /** Over the limit: a flood. */
    record RateLimited(Connection connection) implements MessageAdmission {}

    /** No live connection record (never connected, closed meanwhile, or expired). */
    record UnknownConnection() implements MessageAdmission {}
}
