package dev.godotsignal.lobby;

import java.util.Optional;

/**
 * A live WebSocket connection. {@code membership} is empty until its JOIN succeeds. {@code
 * extensions}: the client opted in to extension frames ({@code ?ext=1}). {@code game}: the game it
 * connected to ({@code ?game=}, see {@link Games}). {@code allowedLobby}: set when its connect
 * token was bound to one lobby. {@code player}: its connect token's subject, when tokens are on.
 * {@code resumeSecret}: the secret of the resume token this connection's peer is given (extension
 * connections, when resuming is on), see {@code dev.godotsignal.resume.ResumeToken}. {@code heard}:
 * the server has admitted a frame from it (a JOIN may be in flight although it is in no lobby yet).
 */
public record Connection(
        String connectionId,
        boolean extensions,
        String game,
        Optional<String> allowedLobby,
        Optional<String> player,
        Optional<String> resumeSecret,
        Optional<Membership> membership,
        boolean heard) {

    /** A connection that has just arrived: in no lobby yet. */
    public static Connection arriving(
            String connectionId,
            boolean extensions,
            String game,
            Optional<String> allowedLobby,
            Optional<String> player,
            Optional<String> resumeSecret) {
        return new Connection(
                connectionId,
                extensions,
                game,
                allowedLobby,
                player,
                resumeSecret,
                Optional.empty(),
                false);
    }

    /** The same connection as a member of a lobby. */
    public Connection joined(Membership membership) {
        return new Connection(
                connectionId,
                extensions,
                game,
                allowedLobby,
                player,
                resumeSecret,
                Optional.of(membership),
                heard);
    }

    /**
     * Where a joined connection sits: its lobby (the {@link Games#lobbyKey key}), its id there, and
     * the lobby's mode.
     */
    public record Membership(String lobby, int peerId, LobbyMode mode) {}
}
