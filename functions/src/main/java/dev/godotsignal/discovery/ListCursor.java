package dev.godotsignal.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.LobbyNames;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the next page of a game's list starts: the last lobby read, by its place in the list
 * ({@code order}) and its key. Clients pass it back opaque; a forged one is refused unless it is
 * well formed and of the same game, and then it only starts the same public list elsewhere.
 */
public record ListCursor(String order, String lobbyKey) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ORDER = Pattern.compile("\\d{13}#[A-Za-z0-9_./-]{1,100}");
    private static final int MAX_LENGTH = 512;

    public String encode() {
        ObjectNode node = JSON.createObjectNode();
        node.put("o", order);
        node.put("l", lobbyKey);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor, if {@code text} is one this server could have given for {@code game}. */
    public static Optional<ListCursor> decode(String text, String game) {
        if (text == null || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(text));
            if (node == null
                    || !node.isObject()
                    || node.size() != 2
                    || !node.path("o").isTextual()
                    || !node.path("l").isTextual()) {
                return Optional.empty();
            }
            String order = node.get("o").textValue();
            String key = node.get("l").textValue();
            boolean wellFormed =
                    ORDER.matcher(order).matches()
                            && order.endsWith("#" + key)
                            && Games.gameOf(key).equals(game)
                            && LobbyNames.isJoinable(Games.nameOf(key));
            return wellFormed ? Optional.of(new ListCursor(order, key)) : Optional.empty();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }
}
