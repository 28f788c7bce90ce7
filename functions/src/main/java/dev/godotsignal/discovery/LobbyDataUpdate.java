package dev.godotsignal.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.ProtocolException;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A LOBBY_DATA request from a host: the keys it gives replace the stored ones ({@code data} as a
 * whole). Whether {@code maxPeers} fits the lobby's peer count is the store's check, atomically.
 */
public record LobbyDataUpdate(
        Optional<Boolean> isPublic, OptionalInt maxPeers, Optional<FlatData> data) {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> KEYS = Set.of("public", "maxPeers", "data");

    /**
     * @param deploymentMax the deployment's MaxPeersPerLobby, the most a lobby may ask for
     */
    public static LobbyDataUpdate parse(String json, int deploymentMax) throws ProtocolException {
        JsonNode node = object(json, KEYS, ErrorReason.INVALID_LOBBY_DATA);
        Optional<Boolean> isPublic = Optional.empty();
        OptionalInt maxPeers = OptionalInt.empty();
        Optional<FlatData> data = Optional.empty();
        if (node.has("public")) {
            if (!node.get("public").isBoolean()) {
                throw new ProtocolException(ErrorReason.INVALID_LOBBY_DATA);
            }
            isPublic = Optional.of(node.get("public").booleanValue());
        }
        if (node.has("maxPeers")) {
            maxPeers =
                    OptionalInt.of(
                            maxPeers(
                                    node.get("maxPeers"),
                                    deploymentMax,
                                    ErrorReason.INVALID_LOBBY_DATA));
        }
        if (node.has("data")) {
            data =
                    Optional.of(
                            FlatData.of(node.get("data"))
                                    .orElseThrow(
                                            () ->
                                                    new ProtocolException(
                                                            ErrorReason.INVALID_LOBBY_DATA)));
        }
        return new LobbyDataUpdate(isPublic, maxPeers, data);
    }

    /** A JSON object with no keys but {@code known}, or {@code invalid}. */
    static JsonNode object(String json, Set<String> known, ErrorReason invalid)
            throws ProtocolException {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(invalid);
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException(invalid);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            if (!known.contains(names.next())) {
                throw new ProtocolException(invalid);
            }
        }
        return node;
    }

    /** A lobby size: an integer from 2 to the deployment's cap. */
    static int maxPeers(JsonNode value, int deploymentMax, ErrorReason invalid)
            throws ProtocolException {
        if (value == null
                || !value.isIntegralNumber()
                || !value.canConvertToInt()
                || value.intValue() < 2
                || value.intValue() > deploymentMax) {
            throw new ProtocolException(invalid);
        }
        return value.intValue();
    }
}
