package dev.godotsignal.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.LobbyMode;

/** A listed lobby as the list shows it; {@code createdAt} in Unix seconds. */
public record LobbyListing(
        String name, int peers, int maxPeers, LobbyMode mode, FlatData data, long createdAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean full() {
        return peers >= maxPeers;
    }

    ObjectNode node() {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", name);
        node.put("peers", peers);
        node.put("maxPeers", maxPeers);
        node.put("mesh", mode.isMesh());
        node.set("data", data.node());
        node.put("createdAt", createdAt);
        return node;
    }
}
