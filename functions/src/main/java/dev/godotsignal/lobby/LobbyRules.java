package dev.godotsignal.lobby;

/**
 * Who may talk to whom inside a lobby. In a mesh every pair of peers connects; in a client/server
 * lobby clients only ever connect to the host, so only host-client pairs are announced and relayed.
 */
public final class LobbyRules {
    private LobbyRules() {}

    /**
     * Whether peers {@code a} and {@code b} learn about each other (PEER_CONNECT /
     * PEER_DISCONNECT).
     */
    public static boolean linked(LobbyMode mode, int a, int b) {
        if (a == b) {
            return false;
        }
        return mode.isMesh() || a == PeerIds.HOST || b == PeerIds.HOST;
    }

    /** Whether {@code sender} may address OFFER/ANSWER/CANDIDATE to {@code destination}. */
    public static boolean mayRelay(LobbyMode mode, int sender, int destination) {
        return destination >= PeerIds.HOST && linked(mode, sender, destination);
    }
}
