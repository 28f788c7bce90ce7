package dev.godotsignal.discovery;

import java.util.List;
import java.util.Optional;

/**
 * One page of a game's listed lobbies, oldest first, and where the next starts if there may be one.
 */
public record ListedPage(List<LobbyListing> lobbies, Optional<ListCursor> next) {
    public ListedPage {
        lobbies = List.copyOf(lobbies);
    }
}
