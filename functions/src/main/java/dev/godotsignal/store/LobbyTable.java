package dev.godotsignal.store;

import static dev.godotsignal.store.Items.CONNECTION_ID;
import static dev.godotsignal.store.Items.CREATED_AT;
import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.EXT;
import static dev.godotsignal.store.Items.JOINED_AT;
import static dev.godotsignal.store.Items.JOIN_SEQ;
import static dev.godotsignal.store.Items.LEFT_AT;
import static dev.godotsignal.store.Items.LIVE_COUNTER;
import static dev.godotsignal.store.Items.LIVE_LOBBIES;
import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.LOBBY_ITEM;
import static dev.godotsignal.store.Items.MESH;
import static dev.godotsignal.store.Items.PEER_COUNT;
import static dev.godotsignal.store.Items.PEER_ID;
import static dev.godotsignal.store.Items.PENDING;
import static dev.godotsignal.store.Items.SEALED;
import static dev.godotsignal.store.Items.SEQ;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.expiry;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.live;
import static dev.godotsignal.store.Items.lobbyKey;
import static dev.godotsignal.store.Items.longOf;
import static dev.godotsignal.store.Items.modeOf;
import static dev.godotsignal.store.Items.n;
import static dev.godotsignal.store.Items.s;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.JoinRefusal;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.lobby.Reservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The lobbies table: create, reserve an id, admit, seal, leave and destroy. Caps, unique ids and
 * sealing are conditions of the writes that admit a peer, so racing Lambdas cannot get past them.
 * No Scan: a lobby is one Query, a member one GetItem (then remembered a while, see {@link
 * MemberCache}).
 */
final class LobbyTable {
    private enum CreateSlot {
        LOBBY_ITEM,
        LIVE_COUNTER,
        HOST_MEMBER,
        HOST_MEMBERSHIP
    }

    private enum AdmitSlot {
        LOBBY_ITEM,
        RESERVATION,
        MEMBERSHIP
    }

    private enum LeaveSlot {
        MEMBER,
        LOBBY_ITEM
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final ConnectionTable connections;
    private final StoreTuning tuning;
    private final MemberCache memberCache;

    LobbyTable(
            DynamoDbClient dynamo, String table, ConnectionTable connections, StoreTuning tuning) {
        this.dynamo = dynamo;
        this.table = table;
        this.connections = connections;
        this.tuning = tuning;
        this.memberCache = new MemberCache(tuning.memberCacheSize(), tuning.memberCacheLifetime());
    }

    JoinOutcome create(
            Connection creator,
            LobbyMode mode,
            Supplier<String> names,
            int maxLobbies,
            Instant now) {
        for (int attempt = 0; attempt < tuning.maxAttempts(); attempt++) {
            String name = names.get();
            Map<String, AttributeValue> lobbyItem = new HashMap<>(lobbyKey(name, LOBBY_ITEM));
            lobbyItem.putAll(
                    Map.of(
                            MESH,
                            bool(mode.isMesh()),
                            SEALED,
                            bool(false),
                            PEER_COUNT,
                            n(1),
                            JOIN_SEQ,
                            n(1),
                            CREATED_AT,
                            n(now.getEpochSecond()),
                            EXPIRES_AT,
                            expiry(now, tuning.itemLifetime())));
            Transaction.Outcome<CreateSlot> outcome =
                    new Transaction<CreateSlot>()
                            .put(
                                    CreateSlot.LOBBY_ITEM,
                                    Put.builder()
                                            .tableName(table)
                                            .item(lobbyItem)
                                            .conditionExpression(
                                                    "attribute_not_exists(" + LOBBY + ")")
                                            .build())
                            .update(
                                    CreateSlot.LIVE_COUNTER,
                                    Update.builder()
                                            .tableName(table)
                                            .key(lobbyKey(LIVE_COUNTER, LOBBY_ITEM))
                                            .updateExpression(
                                                    "SET "
                                                            + LIVE_LOBBIES
                                                            + " = if_not_exists("
                                                            + LIVE_LOBBIES
                                                            + ", :zero) + :one, "
                                                            + EXPIRES_AT
                                                            + " = :exp")
                                            .conditionExpression(
                                                    "attribute_not_exists("
                                                            + LIVE_LOBBIES
                                                            + ") OR "
                                                            + LIVE_LOBBIES
                                                            + " < :max")
                                            .expressionAttributeValues(
                                                    Map.of(
                                                            ":zero",
                                                            n(0),
                                                            ":one",
                                                            n(1),
                                                            ":max",
                                                            n(maxLobbies),
                                                            ":exp",
                                                            expiry(
                                                                    now,
                                                                    tuning.itemLifetime()
                                                                            .multipliedBy(2))))
                                            .build())
                            .put(
                                    CreateSlot.HOST_MEMBER,
                                    memberPut(name, PeerIds.HOST, creator, 1, now))
                            .update(
                                    CreateSlot.HOST_MEMBERSHIP,
                                    connections.membershipUpdate(
                                            creator.connectionId(), name, PeerIds.HOST, mode, now))
                            .run(dynamo);
            if (outcome.committed()) {
                return new JoinOutcome.Joined(name, PeerIds.HOST, mode, List.of());
            }
            if (outcome.failed(CreateSlot.HOST_MEMBERSHIP)) {
                return alreadyJoinedOrGone(outcome.itemOf(CreateSlot.HOST_MEMBERSHIP), now);
            }
            if (outcome.failed(CreateSlot.LIVE_COUNTER)) {
                return new JoinOutcome.Refused(JoinRefusal.TOO_MANY_LOBBIES);
            }
            // A name collision (lobby item or host member) or a conflicting transaction: try again.
            Backoff.pause(attempt);
        }
        throw new IllegalStateException(
                "could not create a lobby after " + tuning.maxAttempts() + " attempts");
    }

    Reservation reserve(
            Connection joiner, String lobby, IntSupplier peerIds, int maxPeers, Instant now) {
        for (int attempt = 0; attempt < tuning.maxAttempts(); attempt++) {
            Map<String, AttributeValue> meta = item(lobby, LOBBY_ITEM);
            Optional<JoinRefusal> refused = refusal(meta, maxPeers, now);
            if (refused.isPresent()) {
                return new Reservation.Refused(refused.get());
            }
            int peerId = peerIds.getAsInt();
            Map<String, AttributeValue> item = new HashMap<>(lobbyKey(lobby, peerId));
            item.putAll(
                    Map.of(
                            CONNECTION_ID,
                            s(joiner.connectionId()),
                            EXT,
                            bool(joiner.extensions()),
                            PENDING,
                            bool(true),
                            EXPIRES_AT,
                            expiry(now, tuning.reservationLifetime())));
            try {
                dynamo.putItem(
                        b ->
                                b.tableName(table)
                                        .item(item)
                                        .conditionExpression(
                                                "attribute_not_exists(" + LOBBY + ")"));
                return new Reservation.Reserved(lobby, peerId, modeOf(meta));
            } catch (ConditionalCheckFailedException e) {
                // The id is taken in this lobby: draw another.
            }
        }
        throw new IllegalStateException(
                "could not reserve an id after " + tuning.maxAttempts() + " attempts");
    }

    JoinOutcome admit(Connection joiner, String lobby, int peerId, int maxPeers, Instant now) {
        for (int attempt = 0; attempt < tuning.maxAttempts(); attempt++) {
            Map<String, AttributeValue> meta = item(lobby, LOBBY_ITEM);
            Optional<JoinRefusal> refused = refusal(meta, maxPeers, now);
            if (refused.isPresent()) {
                releaseReservation(lobby, peerId, joiner.connectionId());
                return new JoinOutcome.Refused(refused.get());
            }
            LobbyMode mode = modeOf(meta);
            long seq = longOf(meta, JOIN_SEQ);
            long next = seq + 1;
            Transaction.Outcome<AdmitSlot> outcome =
                    new Transaction<AdmitSlot>()
                            // joinSeq = :seq: nobody was admitted since our read, so our seq is the
                            // next one.
                            .update(
                                    AdmitSlot.LOBBY_ITEM,
                                    Update.builder()
                                            .tableName(table)
                                            .key(lobbyKey(lobby, LOBBY_ITEM))
                                            .updateExpression(
                                                    "SET "
                                                            + PEER_COUNT
                                                            + " = "
                                                            + PEER_COUNT
                                                            + " + :one, "
                                                            + JOIN_SEQ
                                                            + " = :next")
                                            .conditionExpression(
                                                    JOIN_SEQ
                                                            + " = :seq AND "
                                                            + SEALED
                                                            + " = :false AND "
                                                            + PEER_COUNT
                                                            + " < :max AND "
                                                            + EXPIRES_AT
                                                            + " > :now")
                                            .expressionAttributeValues(
                                                    Map.of(
                                                            ":one",
                                                            n(1),
                                                            ":next",
                                                            n(next),
                                                            ":seq",
                                                            n(seq),
                                                            ":false",
                                                            bool(false),
                                                            ":max",
                                                            n(maxPeers),
                                                            ":now",
                                                            n(now.getEpochSecond())))
                                            .build())
                            .update(
                                    AdmitSlot.RESERVATION,
                                    Update.builder()
                                            .tableName(table)
                                            .key(lobbyKey(lobby, peerId))
                                            .updateExpression(
                                                    "SET "
                                                            + SEQ
                                                            + " = :next, "
                                                            + JOINED_AT
                                                            + " = :now, "
                                                            + EXPIRES_AT
                                                            + " = :exp REMOVE "
                                                            + PENDING)
                                            .conditionExpression(
                                                    PENDING
                                                            + " = :true AND "
                                                            + CONNECTION_ID
                                                            + " = :conn")
                                            .expressionAttributeValues(
                                                    Map.of(
                                                            ":next",
                                                            n(next),
                                                            ":now",
                                                            n(now.getEpochSecond()),
                                                            ":exp",
                                                            expiry(now, tuning.itemLifetime()),
                                                            ":true",
                                                            bool(true),
                                                            ":conn",
                                                            s(joiner.connectionId())))
                                            .build())
                            .update(
                                    AdmitSlot.MEMBERSHIP,
                                    connections.membershipUpdate(
                                            joiner.connectionId(), lobby, peerId, mode, now))
                            .run(dynamo);
            if (outcome.committed()) {
                List<Member> earlier =
                        query(lobby, now).members().stream().filter(m -> m.seq() < next).toList();
                return new JoinOutcome.Joined(lobby, peerId, mode, earlier);
            }
            if (outcome.failed(AdmitSlot.MEMBERSHIP)) {
                releaseReservation(lobby, peerId, joiner.connectionId());
                return alreadyJoinedOrGone(outcome.itemOf(AdmitSlot.MEMBERSHIP), now);
            }
            if (outcome.failed(AdmitSlot.RESERVATION)) {
                return new JoinOutcome
                        .NotConnected(); // the reservation expired: the joiner took too long
            }
            // The lobby changed under us (another join, a seal) or a conflict: read again and
            // retry;
            // the re-read tells a sealed or full lobby apart.
            Backoff.pause(attempt);
        }
        throw new IllegalStateException(
                "could not join lobby after " + tuning.maxAttempts() + " attempts");
    }

    private static Optional<JoinRefusal> refusal(
            Map<String, AttributeValue> meta, int maxPeers, Instant now) {
        if (!live(meta, now) || !meta.containsKey(MESH)) {
            return Optional.of(JoinRefusal.LOBBY_NOT_FOUND);
        }
        if (meta.get(SEALED).bool()) {
            return Optional.of(JoinRefusal.LOBBY_SEALED);
        }
        if (intOf(meta, PEER_COUNT) >= maxPeers) {
            return Optional.of(JoinRefusal.LOBBY_FULL);
        }
        return Optional.empty();
    }

    private void releaseReservation(String lobby, int peerId, String connectionId) {
        try {
            dynamo.deleteItem(
                    b ->
                            b.tableName(table)
                                    .key(lobbyKey(lobby, peerId))
                                    .conditionExpression(
                                            PENDING + " = :true AND " + CONNECTION_ID + " = :conn")
                                    .expressionAttributeValues(
                                            Map.of(":true", bool(true), ":conn", s(connectionId))));
        } catch (ConditionalCheckFailedException e) {
            // already admitted or gone
        }
    }

    private static JoinOutcome alreadyJoinedOrGone(
            Map<String, AttributeValue> connection, Instant now) {
        return live(connection, now)
                ? new JoinOutcome.Refused(JoinRefusal.ALREADY_IN_LOBBY)
                : new JoinOutcome.NotConnected();
    }

    MemberLookup member(String lobby, int peerId, Instant now) {
        Optional<Member> remembered = memberCache.get(lobby, peerId, now);
        if (remembered.isPresent()) {
            return new MemberLookup.Present(remembered.get());
        }
        Map<String, AttributeValue> item = item(lobby, peerId);
        if (!live(item, now) || !item.containsKey(CONNECTION_ID) || item.containsKey(PENDING)) {
            return new MemberLookup.Unknown();
        }
        if (item.containsKey(LEFT_AT)) {
            return new MemberLookup.RecentlyLeft();
        }
        Member member = Items.member(item);
        memberCache.put(lobby, member, now);
        return new MemberLookup.Present(member);
    }

    void forgetConnection(String connectionId) {
        memberCache.forgetConnection(connectionId);
    }

    Optional<Lobby> lobby(String lobby, Instant now) {
        LobbyQuery result = query(lobby, now);
        return result.meta()
                .map(
                        meta ->
                                new Lobby(
                                        lobby,
                                        modeOf(meta),
                                        meta.get(SEALED).bool(),
                                        result.members()));
    }

    Optional<Lobby> seal(String lobby, Instant now) {
        try {
            dynamo.updateItem(
                    b ->
                            b.tableName(table)
                                    .key(lobbyKey(lobby, LOBBY_ITEM))
                                    .updateExpression("SET " + SEALED + " = :true")
                                    .conditionExpression(
                                            "attribute_exists("
                                                    + MESH
                                                    + ") AND "
                                                    + EXPIRES_AT
                                                    + " > :now")
                                    .expressionAttributeValues(
                                            Map.of(
                                                    ":true",
                                                    bool(true),
                                                    ":now",
                                                    n(now.getEpochSecond()))));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
        LobbyQuery result = query(lobby, now);
        return result.meta().map(meta -> new Lobby(lobby, modeOf(meta), true, result.members()));
    }

    /** The host left: delete the lobby item first, so no join can commit, then every member. */
    LeaveOutcome destroy(String lobby, LobbyMode mode, Instant now) {
        memberCache.forgetLobby(lobby);
        Map<String, AttributeValue> meta =
                dynamo.deleteItem(
                                b ->
                                        b.tableName(table)
                                                .key(lobbyKey(lobby, LOBBY_ITEM))
                                                .returnValues(ReturnValue.ALL_OLD))
                        .attributes();
        boolean existed = meta != null && meta.containsKey(MESH);
        if (existed) {
            try {
                dynamo.updateItem(
                        b ->
                                b.tableName(table)
                                        .key(lobbyKey(LIVE_COUNTER, LOBBY_ITEM))
                                        .updateExpression("ADD " + LIVE_LOBBIES + " :minusOne")
                                        .conditionExpression(LIVE_LOBBIES + " > :zero")
                                        .expressionAttributeValues(
                                                Map.of(":minusOne", n(-1), ":zero", n(0))));
            } catch (ConditionalCheckFailedException e) {
                // Already zero (the counter expired and restarted): nothing to give back.
            }
        }
        List<Member> remaining = new ArrayList<>();
        for (Map<String, AttributeValue> item : queryItems(lobby)) {
            int id = intOf(item, PEER_ID);
            if (id == LOBBY_ITEM) {
                continue;
            }
            if (id != PeerIds.HOST
                    && live(item, now)
                    && !item.containsKey(LEFT_AT)
                    && !item.containsKey(PENDING)) {
                remaining.add(Items.member(item));
            }
            dynamo.deleteItem(b -> b.tableName(table).key(lobbyKey(lobby, id)));
        }
        boolean sealed = existed && meta.get(SEALED).bool();
        return new LeaveOutcome.Left(lobby, PeerIds.HOST, mode, sealed, true, remaining);
    }

    /**
     * A guest left: its member item becomes a short-lived tombstone and the count goes down,
     * atomically.
     */
    LeaveOutcome leave(String lobby, int peerId, String connectionId, LobbyMode mode, Instant now) {
        for (int attempt = 0; ; attempt++) {
            Transaction.Outcome<LeaveSlot> outcome =
                    new Transaction<LeaveSlot>()
                            .update(
                                    LeaveSlot.MEMBER,
                                    Update.builder()
                                            .tableName(table)
                                            .key(lobbyKey(lobby, peerId))
                                            .updateExpression(
                                                    "SET "
                                                            + LEFT_AT
                                                            + " = :now, "
                                                            + EXPIRES_AT
                                                            + " = :tomb")
                                            .conditionExpression(
                                                    CONNECTION_ID
                                                            + " = :conn AND attribute_not_exists("
                                                            + LEFT_AT
                                                            + ")")
                                            .expressionAttributeValues(
                                                    Map.of(
                                                            ":now",
                                                            n(now.getEpochSecond()),
                                                            ":conn",
                                                            s(connectionId),
                                                            ":tomb",
                                                            expiry(
                                                                    now,
                                                                    tuning.tombstoneLifetime())))
                                            .build())
                            .update(
                                    LeaveSlot.LOBBY_ITEM,
                                    Update.builder()
                                            .tableName(table)
                                            .key(lobbyKey(lobby, LOBBY_ITEM))
                                            .updateExpression("ADD " + PEER_COUNT + " :minusOne")
                                            .conditionExpression("attribute_exists(" + MESH + ")")
                                            .expressionAttributeValues(Map.of(":minusOne", n(-1)))
                                            .build())
                            .run(dynamo);
            if (outcome.committed()) {
                break;
            }
            if (outcome.failed(LeaveSlot.MEMBER)) {
                return new LeaveOutcome.NotInLobby(); // someone already processed this departure
            }
            if (outcome.failed(LeaveSlot.LOBBY_ITEM)) {
                // The lobby is gone (its host left and closed everyone): just drop our member item.
                dynamo.deleteItem(b -> b.tableName(table).key(lobbyKey(lobby, peerId)));
                return new LeaveOutcome.Left(lobby, peerId, mode, false, true, List.of());
            }
            if (attempt >= tuning.maxAttempts()) {
                throw new IllegalStateException(
                        "could not leave lobby after " + tuning.maxAttempts() + " attempts");
            }
            Backoff.pause(attempt);
        }
        LobbyQuery result = query(lobby, now);
        boolean sealed = result.meta().map(meta -> meta.get(SEALED).bool()).orElse(false);
        return new LeaveOutcome.Left(
                lobby, peerId, mode, sealed, result.meta().isEmpty(), result.members());
    }

    private record LobbyQuery(Optional<Map<String, AttributeValue>> meta, List<Member> members) {}

    /** The lobby item and its present members, in join order (one strongly consistent Query). */
    private LobbyQuery query(String lobby, Instant now) {
        Optional<Map<String, AttributeValue>> meta = Optional.empty();
        List<Member> members = new ArrayList<>();
        for (Map<String, AttributeValue> item : queryItems(lobby)) {
            if (!live(item, now)) {
                continue;
            }
            if (intOf(item, PEER_ID) == LOBBY_ITEM) {
                meta = Optional.of(item);
            } else if (!item.containsKey(LEFT_AT) && !item.containsKey(PENDING)) {
                members.add(Items.member(item));
            }
        }
        members.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return new LobbyQuery(meta, members);
    }

    private List<Map<String, AttributeValue>> queryItems(String lobby) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request =
                    QueryRequest.builder()
                            .tableName(table)
                            .keyConditionExpression(LOBBY + " = :lobby")
                            .expressionAttributeValues(Map.of(":lobby", s(lobby)))
                            .consistentRead(true);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(request.build());
            items.addAll(page.items());
            start =
                    page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                            ? page.lastEvaluatedKey()
                            : null;
        } while (start != null);
        return items;
    }

    private Put memberPut(String lobby, int peerId, Connection connection, long seq, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(lobbyKey(lobby, peerId));
        item.putAll(
                Map.of(
                        CONNECTION_ID,
                        s(connection.connectionId()),
                        EXT,
                        bool(connection.extensions()),
                        SEQ,
                        n(seq),
                        JOINED_AT,
                        n(now.getEpochSecond()),
                        EXPIRES_AT,
                        expiry(now, tuning.itemLifetime())));
        return Put.builder()
                .tableName(table)
                .item(item)
                .conditionExpression("attribute_not_exists(" + LOBBY + ")")
                .build();
    }

    /** One item (a lobby's own item or a member), strongly consistent. */
    private Map<String, AttributeValue> item(String lobby, int peerId) {
        return dynamo.getItem(
                        b -> b.tableName(table).key(lobbyKey(lobby, peerId)).consistentRead(true))
                .item();
    }
}
