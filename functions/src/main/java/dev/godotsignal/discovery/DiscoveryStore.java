package dev.godotsignal.discovery;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.LobbyData;
import dev.godotsignal.lobby.Reservation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Lobby discovery's storage: the listed lobbies (public, unsealed, not full) by game and by match
 * pool, lobby data, and quick match's atomic steps. A lobby is listed or not in the same write that
 * changes what decides it; every read is one page of an index, never a scan.
 */
public interface DiscoveryStore {

    /** Up to {@code limit} listed lobbies of {@code game} after {@code after}, oldest first. */
    ListedPage listed(String game, int limit, Optional<ListCursor> after, Instant now);

    /** Up to {@code limit} listed lobbies of the pool's game, mode and size, oldest first. */
    List<LobbyListing> matchCandidates(MatchPool pool, int limit, Instant now);

    /** The lobby the pool's matchers opened last in {@code lane} (it may be full or gone since). */
    Optional<String> poolTurn(MatchPool pool, int lane);

    /**
     * Opens a public lobby for a matcher, its host, only if the lobby opened last in the pool's
     * {@code lane} is still {@code seenTurn}; otherwise {@link JoinOutcome.Superseded} with the one
     * opened meanwhile.
     */
    JoinOutcome openForMatch(
            Connection host,
            MatchPool pool,
            int lane,
            Optional<String> seenTurn,
            FlatData data,
            Supplier<String> names,
            int maxLobbies,
            Instant now);

    /**
     * Holds a seat for a matcher in {@code lobby} (counted at once, so no race can overfill it) and
     * a fresh id from {@code peerIds}; refused if the lobby is gone, sealed or full, or no longer
     * public and of the matcher's pool (its host may have changed it). The seat becomes a member
     * with {@link #admitToSeat}, or is given back with {@link #releaseSeat}.
     */
    Reservation holdSeat(
            Connection joiner, String lobby, MatchPool pool, IntSupplier peerIds, Instant now);

    /** Admits the matcher to its held seat; refused only if the lobby was sealed or destroyed. */
    JoinOutcome admitToSeat(Connection joiner, String lobby, int peerId, Instant now);

    void releaseSeat(String lobby, int peerId, Instant now);

    /** Applies a host's LOBBY_DATA, atomically with its checks. */
    LobbyDataOutcome updateLobbyData(String lobby, LobbyDataUpdate update, Instant now);

    /** The lobby's data, if it was ever set (by LOBBY_DATA or MATCH) and the lobby is live. */
    Optional<LobbyData> lobbyData(String lobby, Instant now);
}
