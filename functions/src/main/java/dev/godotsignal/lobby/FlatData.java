package dev.godotsignal.lobby;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A lobby's custom data: a flat JSON object of strings, numbers and booleans, at most {@value
 * #MAX_BYTES} bytes encoded. Values keep their JSON type; filters compare their text ({@code
 * ranked=false} matches {@code false} and {@code "false"}), because a query string has no types.
 */
public record FlatData(Map<String, Object> values) {
    public static final int MAX_BYTES = 1024;
    public static final FlatData EMPTY = new FlatData(Map.of());

    private static final ObjectMapper JSON = new ObjectMapper();

    public FlatData {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Reads a JSON object node; empty if it is not flat, holds another type, or is too big. */
    public static Optional<FlatData> of(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (field.getKey().isEmpty()) {
                return Optional.empty();
            } else if (value.isTextual()) {
                values.put(field.getKey(), value.textValue());
            } else if (value.isBoolean()) {
                values.put(field.getKey(), value.booleanValue());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                values.put(field.getKey(), value.longValue());
            } else if (value.isNumber() && Double.isFinite(value.doubleValue())) {
                values.put(field.getKey(), value.doubleValue());
            } else {
                return Optional.empty(); // nested, null, or a number JSON cannot hold exactly
            }
        }
        FlatData data = new FlatData(values);
        return data.json().getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES
                ? Optional.of(data)
                : Optional.empty();
    }

    /** Reads stored JSON (written by {@link #json}). */
    public static FlatData parse(String json) {
        try {
            return of(JSON.readTree(json))
                    .orElseThrow(() -> new IllegalStateException("stored lobby data is not flat"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored lobby data is not JSON", e);
        }
    }

    public ObjectNode node() {
        ObjectNode node = JSON.createObjectNode();
        values.forEach(
                (key, value) -> {
                    if (value instanceof String s) {
                        node.put(key, s);
                    } else if (value instanceof Boolean b) {
                        node.put(key, b);
                    } else if (value instanceof Long l) {
                        node.put(key, l);
                    } else {
                        node.put(key, (Double) value);
                    }
                });
        return node;
    }

    public String json() {
        return node().toString();
    }

    /** This data overlaid by {@code over}: its keys win. */
    public FlatData overlaidBy(FlatData over) {
        Map<String, Object> merged = new LinkedHashMap<>(values);
        merged.putAll(over.values);
        return new FlatData(merged);
    }

    /** Whether every key of {@code where} is here with an equal value (JSON types included). */
    public boolean matches(FlatData where) {
        return where.values.entrySet().stream()
                .allMatch(e -> e.getValue().equals(values.get(e.getKey())));
    }

    /** Whether every filter key is here with a value whose text equals the filter's. */
    public boolean matchesText(Map<String, String> filters) {
        return filters.entrySet().stream()
                .allMatch(
                        e ->
                                values.containsKey(e.getKey())
                                        && text(values.get(e.getKey())).equals(e.getValue()));
    }

    private static String text(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue()); // 4.0 reads as "4", as a client would write it
        }
        return String.valueOf(value);
    }
}
