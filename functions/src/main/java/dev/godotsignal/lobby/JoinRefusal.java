package dev.godotsignal.lobby;

/**
 * Why the store refused a peer a place in a lobby; the service tells the client in its own words.
 */
public enum JoinRefusal {
    LOBBY_NOT_FOUND,
    LOBBY_SEALED,
    LOBBY_FULL,
    TOO_MANY_LOBBIES,
    ALREADY_IN_LOBBY
}
