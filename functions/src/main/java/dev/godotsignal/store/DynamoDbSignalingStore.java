package dev.godotsignal.store;

import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.PEER_ID;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.modeOf;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.lobby.Reservation;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.RelayIntent;
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
 * FrameAdmission} and the {@link LobbyTable} (lobbies and their members); the schema is {@link
 * Items}. Leaving is the one operation that spans both: the connection record goes first, then its
 * membership.
 */
public final class DynamoDbSignalingStore implements SignalingStore {
    private final TableNames tables;
    private final ConnectionTable connections;
    private final LobbyTable lobbies;
    private final LobbyJoins joins;
    private final FrameAdmission admission;

    public DynamoDbSignalingStore(DynamoDbClient dynamo, TableNames tables) {
        this(dynamo, tables, StoreTuning.defaults());
    }

    public DynamoDbSignalingStore(DynamoDbClient dynamo, TableNames tables, StoreTuning tuning) {
        this.tables = tables;
        this.connections = new ConnectionTable(dynamo, tables.connections(), tuning);
        this.lobbies = new LobbyTable(dynamo, tables.lobbies(), tuning);
        this.admission = new FrameAdmission(dynamo, tables.connections(), connections);
        this.joins = new LobbyJoins(dynamo, tables.lobbies(), connections, lobbies, tuning);
    }

    public TableNames tables() {
        return tables;
    }

    @Override
    public void putConnection(
            String connectionId, boolean extensions, Optional<String> allowedLobby, Instant now) {
        connections.put(connectionId, extensions, allowedLobby, now);
    }

    @Override
    public Optional<Connection> connection(String connectionId, Instant now) {
        return connections.get(connectionId, now);
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
            Supplier<String> names,
            int maxLobbies,
            Instant now) {
        return joins.create(creator, mode, names, maxLobbies, now);
    }

    @Override
    public Reservation reservePeerId(
            Connection joiner, String lobby, IntSupplier peerIds, int maxPeers, Instant now) {
        return joins.reserve(joiner, lobby, peerIds, maxPeers, now);
    }

    @Override
    public JoinOutcome admit(
            Connection joiner, String lobby, int peerId, int maxPeers, Instant now) {
        return joins.admit(joiner, lobby, peerId, maxPeers, now);
    }

    @Override
    public MemberLookup member(String lobby, int peerId, Instant now) {
        return lobbies.member(lobby, peerId, now);
    }

    @Override
    public List<String> descriptionDelivered(String connectionId, int to, long generation) {
        return connections.descriptionDelivered(connectionId, to, generation);
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
