package dev.godotsignal.lobby;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a lobby tells about itself: sent as LOBBY_DATA to its ext peers, and listed when public.
 * {@code peers} counts its members and the seats held for matchers being admitted.
 */
public record LobbyData(boolean isPublic, int maxPeers, LobbyMode mode, FlatData data, int peers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The LOBBY_DATA frame's {@code data}. */
    public String json() {
        ObjectNode node = JSON.createObjectNode();
        node.put("public", isPublic);
        node.put("maxPeers", maxPeers);
        node.put("mesh", mode.isMesh());
        node.set("data", data.node());
        node.put("peers", peers);
        return node.toString();
    }
}
