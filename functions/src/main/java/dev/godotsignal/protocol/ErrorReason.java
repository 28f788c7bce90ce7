package dev.godotsignal.protocol;

/**
 * Why a connection is refused or dropped, or a request refused. The texts are the close reasons of
 * Godot's demo server, so logs and client messages read the same; {@link #MESSAGE_TOO_LARGE},
 * {@link #LOBBY_NOT_ALLOWED}, {@link #RATE_LIMITED} and the discovery extension's are ours.
 */
public enum ErrorReason {
    NOT_IN_LOBBY("Have not joined lobby yet"),
    HOST_DISCONNECTED("Room host has disconnected"),
    ONLY_HOST_CAN_SEAL("Only host can seal the lobby"),
    TOO_MANY_LOBBIES("Too many lobbies open, disconnecting"),
    ALREADY_IN_LOBBY("Already in a lobby"),
    LOBBY_NOT_FOUND("Lobby does not exists"),
    LOBBY_SEALED("Lobby is sealed"),
    INVALID_FORMAT("Invalid message format"),
    LOBBY_GONE("Invalid message when not in a lobby"),
    INVALID_DESTINATION("Invalid destination"),
    INVALID_COMMAND("Invalid command"),
    TOO_MANY_PEERS("Too many peers connected"),
    BINARY_FRAME("Invalid transfer mode, must be text"),
    MESSAGE_TOO_LARGE("Message too large"),
    LOBBY_NOT_ALLOWED("Lobby not allowed by token"),
    RATE_LIMITED("Too many messages"),
    INVALID_MATCH("Invalid match request"),
    /** Refusals of LOBBY_DATA, which leave the connection open. */
    INVALID_LOBBY_DATA("Invalid lobby data"),
    ONLY_HOST_CAN_SET_DATA("Only host can set lobby data");

    private final String text;

    ErrorReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
