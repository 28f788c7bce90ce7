package dev.godotsignal.store;

import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.PEER_ID;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.modeOf;

import dev.godotsignal.discovery.DiscoveryStore;
import dev.godotsignal.discovery.ListCursor;
import dev.godotsignal.discovery.ListedPage;
import dev.godotsignal.discovery.LobbyDataOutcome;
import dev.godotsignal.discovery.LobbyDataUpdate;
import dev.godotsignal.discovery.LobbyListing;
import dev.godotsignal.discovery.MatchPool;
import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.DeadlineOutcome;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.LobbyData;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.lobby.Reservation;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.RelayIntent;
import dev.godotsignal.resume.Keeping;
import dev.godotsignal.resume.ResumeStore;
import dev.godotsignal.resume.ResumeToken;
import dev.godotsignal.resume.Resumption;
import dev.godotsignal.resume.Suspension;
import dev.godotsignal.signaling.SignalingStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The store on DynamoDB: the {@link ConnectionTable} (records, ordering gates) with {@link
 * FrameAdmission}, the {@link LobbyTable} (lobbies and their members) with {@link LobbyJoins}, and
 * discovery: {@link LobbyDirectoryTable} (lists, lobby data) and {@link MatchSeats}; resuming:
 * {@link Suspensions}; the schema is {@link Items}. Leaving is the one operation that spans both
 * tables: the connection record goes first, then its membership.
 */
public final class DynamoDbSignalingStore implements SignalingStore, DiscoveryStore, ResumeStore {
    private final TableNames tables;
    private final ConnectionTable connections;
    private final LobbyTable lobbies;
    private final LobbyJoins joins;
    private final FrameAdmission admission;
    private final LobbyDirectoryTable directory;
    private final MatchSeats seats;
    private final Suspensions suspensions;

    /** How many resumes a description's delivery mark follows the peer across. */
    private static final int MAX_RESUME_HOPS = 4;

    public DynamoDbSignalingStore(DynamoDbClient dynamo, TableNames tables) {
        this(dynamo, tables, StoreTuning.defaults());
    }

    public DynamoDbSignalingStore(DynamoDbClient dynamo, TableNames tables, StoreTuning tuning) {
        this.tables = tables;
        this.connections = new ConnectionTable(dynamo, tables.connections(), tuning);
        Listing listing = new Listing(dynamo, tables.lobbies());
        this.lobbies = new LobbyTable(dynamo, tables.lobbies(), tuning, listing);
        this.admission =
                new FrameAdmission(
                        dynamo,
                        tables.connections(),
                        connections,
                        new RateLeases(tuning.maxRateLease(), tuning.memberCacheSize()));
        this.joins = new LobbyJoins(dynamo, tables.lobbies(), connections, lobbies, tuning);
        this.directory = new LobbyDirectoryTable(dynamo, tables.lobbies(), lobbies, tuning);
        this.seats =
                new MatchSeats(
                        dynamo, tables.lobbies(), connections, lobbies, joins, listing, tuning);
        this.suspensions = new Suspensions(dynamo, tables, connections, lobbies);
    }

    public TableNames tables() {
        return tables;
    }

    @Override
    public void putConnection(Connection connection, Limits.RateWindow firstWindow, Instant now) {
        connections.put(connection, firstWindow, now);
    }

    @Override
    public Optional<Connection> connection(String connectionId, Instant now) {
        return connections.get(connectionId, now);
    }

    @Override
    public DeadlineOutcome expireUnjoined(String connectionId, boolean unlessHeard, Instant now) {
        lobbies.forgetConnection(connectionId);
        return connections.expireUnjoined(connectionId, unlessHeard, now);
    }

    @Override
    public MessageAdmission admitMessage(
            String connectionId, Limits.RateWindow window, RelayIntent relay, Instant now) {
        return admission.admit(connectionId, window, relay, now);
    }

    @Override
    public JoinOutcome createLobby(
            Connection creator,
            LobbyMode mode,
            int maxPeers,
            Supplier<String> names,
            int maxLobbies,
            Instant now) {
        return joins.create(
                creator, LobbyJoins.Opening.hidden(mode, maxPeers), names, maxLobbies, now);
    }

    @Override
    public Reservation reservePeerId(
            Connection joiner, String lobby, IntSupplier peerIds, Instant now) {
        return joins.reserve(joiner, lobby, peerIds, now);
    }

    @Override
    public JoinOutcome admit(Connection joiner, String lobby, int peerId, Instant now) {
        return joins.admit(joiner, lobby, peerId, now);
    }

    @Override
    public MemberLookup member(String lobby, int peerId, Instant now) {
        return lobbies.member(lobby, peerId, now);
    }

    @Override
    public List<String> descriptionDelivered(
            String connectionId, Connection.Membership sender, int to, long generation) {
        String current = connectionId;
        // A resume that replaced the record took its gates, and the candidates they held, along
        // (see Suspensions.resume): they are released from the peer's connection of now. Each
        // hop is a resume since this description was admitted; a few is already far-fetched.
        for (int hop = 0; hop < MAX_RESUME_HOPS; hop++) {
            Optional<List<String>> released =
                    connections.descriptionDelivered(current, to, generation);
            if (released.isPresent()) {
                return released.get();
            }
            Map<String, AttributeValue> member = lobbies.item(sender.lobby(), sender.peerId());
            if (member == null
                    || !member.containsKey(Items.CONNECTION_ID)
                    || member.get(Items.CONNECTION_ID).s().equals(current)) {
                return List.of(); // the peer left: nobody is waiting for its candidates
            }
            current = member.get(Items.CONNECTION_ID).s();
        }
        return List.of();
    }

    @Override
    public boolean holdCandidate(String connectionId, int to, String data) {
        return connections.holdCandidate(connectionId, to, data);
    }

    @Override
    public Optional<Lobby> lobby(String lobby, Instant now) {
        return lobbies.lobby(lobby, now);
    }

    @Override
    public Optional<Lobby> seal(String lobby, Instant now) {
        return lobbies.seal(lobby, now);
    }

    // ---- Discovery

    @Override
    public ListedPage listed(String game, int limit, Optional<ListCursor> after, Instant now) {
        return directory.listed(game, limit, after, now);
    }

    @Override
    public List<LobbyListing> matchCandidates(MatchPool pool, int limit, Instant now) {
        return directory.matchCandidates(pool, limit, now);
    }

    @Override
    public Optional<String> poolTurn(MatchPool pool, int lane) {
        return directory.poolTurn(pool.turnKey(lane));
    }

    @Override
    public JoinOutcome openForMatch(
            Connection host,
            MatchPool pool,
            int lane,
            Optional<String> seenTurn,
            FlatData data,
            Supplier<String> names,
            int maxLobbies,
            Instant now) {
        LobbyJoins.Opening opening =
                new LobbyJoins.Opening(
                        pool.mode(),
                        pool.maxPeers(),
                        true,
                        Optional.of(data),
                        Optional.of(new LobbyJoins.PoolTurn(pool.turnKey(lane), seenTurn)));
        return joins.create(host, opening, names, maxLobbies, now);
    }

    @Override
    public Reservation holdSeat(
            Connection joiner, String lobby, MatchPool pool, IntSupplier peerIds, Instant now) {
        return seats.hold(joiner, lobby, pool.indexKey(), peerIds, now);
    }

    @Override
    public JoinOutcome admitToSeat(Connection joiner, String lobby, int peerId, Instant now) {
        return seats.admit(joiner, lobby, peerId, now);
    }

    @Override
    public void releaseSeat(String lobby, int peerId, Instant now) {
        seats.release(lobby, peerId, now);
    }

    @Override
    public LobbyDataOutcome updateLobbyData(String lobby, LobbyDataUpdate update, Instant now) {
        return directory.update(lobby, update, now);
    }

    @Override
    public Optional<LobbyData> lobbyData(String lobby, Instant now) {
        return directory.lobbyData(lobby, now);
    }

    // ---- Resuming

    @Override
    public Suspension suspend(String connectionId, Instant resumeBy, Instant now) {
        return suspensions.suspend(connectionId, resumeBy, now);
    }

    @Override
    public Keeping keep(String lobby, int peerId, List<String> frames, Instant now) {
        return suspensions.keep(lobby, peerId, frames, now);
    }

    @Override
    public Resumption resume(Connection fresh, ResumeToken token, Instant now) {
        return suspensions.resume(fresh, token, now);
    }

    @Override
    public void tokenDelivered(String connectionId) {
        suspensions.tokenDelivered(connectionId);
    }

    @Override
    public Optional<List<String>> drain(String lobby, int peerId, String connectionId) {
        return suspensions.drain(lobby, peerId, connectionId);
    }

    @Override
    public boolean release(String lobby, int peerId, String connectionId) {
        return suspensions.release(lobby, peerId, connectionId);
    }

    @Override
    public LeaveOutcome removeConnection(String connectionId, Instant now) {
        lobbies.forgetConnection(connectionId);
        Map<String, AttributeValue> old = connections.delete(connectionId);
        if (!old.containsKey(LOBBY)) {
            return new LeaveOutcome.NotInLobby();
        }
        String lobby = old.get(LOBBY).s();
        int peerId = intOf(old, PEER_ID);
        LobbyMode mode = modeOf(old);
        return peerId == PeerIds.HOST
                ? lobbies.destroy(lobby, mode, now)
                : lobbies.leave(lobby, peerId, connectionId, mode, now);
    }
}
