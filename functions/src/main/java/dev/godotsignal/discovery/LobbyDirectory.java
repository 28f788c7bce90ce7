package dev.godotsignal.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;

/**
 * The lobby list behind {@code GET /lobbies}: one page of the game's index, full lobbies (the index
 * may lag a write) and lobbies whose data fails a filter left out. Knows nothing of HTTP.
 */
public final class LobbyDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DiscoveryStore store;
    private final Clock clock;

    public LobbyDirectory(DiscoveryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public ListedPage list(ListQuery query) {
        ListedPage page =
                store.listed(query.game(), query.limit(), query.cursor(), clock.instant());
        List<LobbyListing> shown =
                page.lobbies().stream()
                        .filter(l -> !l.full() && l.data().matchesText(query.filters()))
                        .toList();
        return new ListedPage(shown, page.next());
    }

    /**
     * The 200 answer's body: {@code {"lobbies":[…],"cursor":…}} ({@code cursor} null at the end).
     */
    public static String json(ListedPage page) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode lobbies = body.putArray("lobbies");
        page.lobbies().forEach(l -> lobbies.add(l.node()));
        page.next()
                .ifPresentOrElse(c -> body.put("cursor", c.encode()), () -> body.putNull("cursor"));
        return body.toString();
    }
}
