package dev.godotsignal.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.ProtocolException;
import java.util.Set;

/**
 * A MATCH request: a lobby of this size and mode whose data has {@code where}; a lobby it has to
 * open gets {@code where} overlaid by {@code data}.
 */
public record MatchRequest(int maxPeers, LobbyMode mode, FlatData where, FlatData data) {

    private static final Set<String> KEYS = Set.of("maxPeers", "mesh", "where", "data");

    /** Every key is optional: the deployment's cap, mesh, no conditions, no data. */
    public static MatchRequest parse(String json, int deploymentMax) throws ProtocolException {
        JsonNode node = LobbyDataUpdate.object(json, KEYS, ErrorReason.INVALID_MATCH);
        int maxPeers =
                node.has("maxPeers")
                        ? LobbyDataUpdate.maxPeers(
                                node.get("maxPeers"), deploymentMax, ErrorReason.INVALID_MATCH)
                        : deploymentMax;
        boolean mesh = true;
        if (node.has("mesh")) {
            if (!node.get("mesh").isBoolean()) {
                throw new ProtocolException(ErrorReason.INVALID_MATCH);
            }
            mesh = node.get("mesh").booleanValue();
        }
        return new MatchRequest(
                maxPeers,
                mesh ? LobbyMode.MESH : LobbyMode.CLIENT_SERVER,
                flat(node.get("where")),
                flat(node.get("data")));
    }

    private static FlatData flat(JsonNode node) throws ProtocolException {
        if (node == null) {
            return FlatData.EMPTY;
        }
        return FlatData.of(node)
                .orElseThrow(() -> new ProtocolException(ErrorReason.INVALID_MATCH));
    }

    /** The lobbies this request may join, and whose new lobbies it takes turns to open. */
    public MatchPool pool(String game) {
        return new MatchPool(game, mode, maxPeers, where);
    }

    /** What a lobby this request opens holds. */
    public FlatData openingData() {
        return where.overlaidBy(data);
    }
}
