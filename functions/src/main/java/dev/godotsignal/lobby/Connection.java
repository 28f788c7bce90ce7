package dev.godotsignal.lobby;

import java.util.Optional;

/**
 * A live WebSocket connection. {@code membership} is empty until its JOIN succeeds. {@code
 * extensions}: the client opted in to extension frames ({@code ?ext=1}). {@code game}: the game it
 * connected to ({@code ?game=}, see {@link Games}). {@code allowedLobby}: set when its connect
 * token was bound to one lobby.
 */
public record Connection(
        String connectionId,
        boolean extensions,
        String game,
        Optional<String> allowedLobby,
        Optional<Membership> membership) {

    /**
     * Where a joined connection sits: its lobby (the {@link Games#lobbyKey key}), its id there, and
     * the lobby's mode.
     */
    public record Membership(String lobby, int peerId, LobbyMode mode) {}
}
