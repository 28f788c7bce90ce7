package dev.godotsignal.discovery;

import dev.godotsignal.lobby.Games;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /lobbies}'s parameters: the game, a page size, where the last page ended, and data
 * filters (every other parameter). {@code token} is the connect token, not a filter.
 */
public record ListQuery(
        String game, int limit, Optional<ListCursor> cursor, Map<String, String> filters) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    /** Why a query was refused: the text of the 400 answer. */
    public static final class BadQuery extends Exception {
        BadQuery(String reason) {
            super(reason, null, false, false);
        }
    }

    public static ListQuery parse(Map<String, String> parameters) throws BadQuery {
        Map<String, String> filters = new LinkedHashMap<>(parameters);
        String game = Optional.ofNullable(filters.remove("game")).orElse(Games.DEFAULT);
        if (!Games.isValid(game)) {
            throw new BadQuery("Invalid game: [A-Za-z0-9_.-]{1,32}");
        }
        int limit = DEFAULT_LIMIT;
        String limitText = filters.remove("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new BadQuery("Invalid limit: 1.." + MAX_LIMIT);
            }
        }
        Optional<ListCursor> cursor = Optional.empty();
        String cursorText = filters.remove("cursor");
        if (cursorText != null) {
            cursor = ListCursor.decode(cursorText, game);
            if (cursor.isEmpty()) {
                throw new BadQuery("Invalid cursor");
            }
        }
        filters.remove("token");
        if (filters.containsKey("")) {
            throw new BadQuery("Invalid filter: empty key");
        }
        return new ListQuery(game, limit, cursor, Map.copyOf(filters));
    }
}
