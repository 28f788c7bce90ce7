package dev.godotsignal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * What the Godot 4 demo client ({@code ws_webrtc_client.gd}, {@code _parse_msg}) accepts, rule by
 * rule: a JSON object with {@code type} and {@code id} that are integral numbers, {@code data} a
 * string, a type it knows (0..7), ids in 0..2^31-1, and for CANDIDATE a data that splits on {@code
 * \n} (empty parts skipped) into exactly three parts whose second is an integer.
 */
public final class GodotClientRules {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GodotClientRules() {}

    /** Empty when the demo client accepts the frame, else why it would reject it. */
    public static Optional<String> rejection(String raw) {
        JsonNode msg;
        try {
            msg = JSON.readTree(raw);
        } catch (Exception e) {
            return Optional.of("not JSON");
        }
        if (msg == null || !msg.isObject()) {
            return Optional.of("not a dictionary");
        }
        if (!msg.has("type") || !msg.has("id")) {
            return Optional.of("missing type or id");
        }
        if (!msg.path("data").isTextual()) {
            return Optional.of("data is not a string");
        }
        if (!isIntegral(msg.get("type")) || !isIntegral(msg.get("id"))) {
            return Optional.of("type or id is not an integer");
        }
        long type = msg.get("type").asLong();
        long id = msg.get("id").asLong();
        if (type < 0 || type > 7) {
            return Optional.of("unknown type " + type);
        }
        if (id < 0 || id > Integer.MAX_VALUE) {
            return Optional.of("id out of range " + id);
        }
        if (type == 6) {
            String[] parts =
                    java.util.Arrays.stream(msg.get("data").asText().split("\n"))
                            .filter(p -> !p.isEmpty())
                            .toArray(String[]::new);
            if (parts.length != 3) {
                return Optional.of("candidate does not have 3 parts");
            }
            try {
                Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                return Optional.of("candidate index is not an integer");
            }
        }
        return Optional.empty();
    }

    private static boolean isIntegral(JsonNode node) {
        return node.isNumber() && node.asDouble() == Math.rint(node.asDouble());
    }
}
