package dev.godotsignal.store;

import static dev.godotsignal.store.Items.CONNECTION_ID;
import static dev.godotsignal.store.Items.CREATED_AT;
import static dev.godotsignal.store.Items.DATA;
import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.EXT;
import static dev.godotsignal.store.Items.GAME;
import static dev.godotsignal.store.Items.JOINED_AT;
import static dev.godotsignal.store.Items.JOIN_SEQ;
import static dev.godotsignal.store.Items.LIST_GAME;
import static dev.godotsignal.store.Items.LIST_ORDER;
import static dev.godotsignal.store.Items.LIVE_COUNTER;
import static dev.godotsignal.store.Items.LIVE_LOBBIES;
import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.LOBBY_ITEM;
import static dev.godotsignal.store.Items.MATCH_POOL;
import static dev.godotsignal.store.Items.MAX_PEERS;
import static dev.godotsignal.store.Items.MESH;
import static dev.godotsignal.store.Items.PEER_COUNT;
import static dev.godotsignal.store.Items.PENDING;
import static dev.godotsignal.store.Items.POOL;
import static dev.godotsignal.store.Items.PUBLIC;
import static dev.godotsignal.store.Items.SEALED;
import static dev.godotsignal.store.Items.SEATS;
import static dev.godotsignal.store.Items.SEQ;
import static dev.godotsignal.store.Items.TURN;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.expiry;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.live;
import static dev.godotsignal.store.Items.lobbyKey;
import static dev.godotsignal.store.Items.longOf;
import static dev.godotsignal.store.Items.modeOf;
import static dev.godotsignal.store.Items.n;
import static dev.godotsignal.store.Items.s;

import dev.godotsignal.discovery.MatchPool;
import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.JoinRefusal;
import dev.godotsignal.lobby.LobbyData;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.lobby.Reservation;
import java.time.Instant;
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
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Joining, in the lobbies table: creating a lobby, reserving an id, admitting it. Caps, unique ids
 * and sealing are conditions of these writes (with the joiner's membership on its connection record
 * in the same transaction), so racing Lambdas cannot get past them.
 */
final class LobbyJoins {
    private enum CreateSlot {
        LOBBY_ITEM,
        LIVE_COUNTER,
        HOST_MEMBER,
        HOST_MEMBERSHIP,
        POOL_TURN
    }

    /**
     * What a new lobby starts as; {@code turn}, for a quick-match lobby, makes its creation the
     * pool's next turn, only if the pool's last opened lobby is still {@code seen}.
     */
    record Opening(
            LobbyMode mode,
            int maxPeers,
            boolean isPublic,
            Optional<FlatData> data,
            Optional<PoolTurn> turn) {
        static Opening hidden(LobbyMode mode, int maxPeers) {
            return new Opening(mode, maxPeers, false, Optional.empty(), Optional.empty());
        }
    }

    record PoolTurn(String turnKey, Optional<String> seen) {}

    private enum AdmitSlot {
        LOBBY_ITEM,
        RESERVATION,
        MEMBERSHIP
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final ConnectionTable connections;
    private final LobbyTable lobbies;
    private final StoreTuning tuning;

    LobbyJoins(
            DynamoDbClient dynamo,
            String table,
            ConnectionTable connections,
            LobbyTable lobbies,
            StoreTuning tuning) {
        this.dynamo = dynamo;
        this.table = table;
        this.connections = connections;
        this.lobbies = lobbies;
        this.tuning = tuning;
    }

    JoinOutcome create(
            Connection creator,
            Opening opening,
            Supplier<String> names,
            int maxLobbies,
            Instant now) {
        LobbyMode mode = opening.mode();
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
            String game = Games.gameOf(name);
            String pool = MatchPool.indexKey(game, mode, opening.maxPeers());
            lobbyItem.putAll(
                    Map.of(
                            GAME,
                            s(game),
                            MAX_PEERS,
                            n(opening.maxPeers()),
                            PUBLIC,
                            bool(opening.isPublic()),
                            POOL,
                            s(pool),
                            LIST_ORDER,
                            s(listOrder(now, name)),
                            SEATS,
                            AttributeValue.fromM(Map.of())));
            opening.data().ifPresent(data -> lobbyItem.put(DATA, s(data.json())));
            if (Listing.open(opening.isPublic(), false, 1, opening.maxPeers())) {
                lobbyItem.put(LIST_GAME, s(game));
                lobbyItem.put(MATCH_POOL, s(pool));
            }
            Transaction<CreateSlot> transaction =
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
                                            creator.connectionId(), name, PeerIds.HOST, mode, now));
            opening.turn()
                    .ifPresent(
                            turn ->
                                    transaction.update(
                                            CreateSlot.POOL_TURN, turnUpdate(turn, name, now)));
            Transaction.Outcome<CreateSlot> outcome = transaction.run(dynamo);
            if (outcome.committed()) {
                return new JoinOutcome.Joined(
                        name,
                        PeerIds.HOST,
                        mode,
                        List.of(),
                        opening.data()
                                .map(
                                        data ->
                                                new LobbyData(
                                                        opening.isPublic(),
                                                        opening.maxPeers(),
                                                        mode,
                                                        data,
                                                        1)));
            }
            if (outcome.failed(CreateSlot.HOST_MEMBERSHIP)) {
                return alreadyJoinedOrGone(outcome.itemOf(CreateSlot.HOST_MEMBERSHIP), now);
            }
            if (outcome.failed(CreateSlot.POOL_TURN)) {
                Map<String, AttributeValue> turn = outcome.itemOf(CreateSlot.POOL_TURN);
                return new JoinOutcome.Superseded(
                        turn == null || !turn.containsKey(TURN) ? "" : turn.get(TURN).s());
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

    Reservation reserve(Connection joiner, String lobby, IntSupplier peerIds, Instant now) {
        for (int attempt = 0; attempt < tuning.maxAttempts(); attempt++) {
            Map<String, AttributeValue> meta = lobbies.item(lobby, LOBBY_ITEM);
            Optional<JoinRefusal> refused = refusal(meta, now);
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

    JoinOutcome admit(Connection joiner, String lobby, int peerId, Instant now) {
        for (int attempt = 0; attempt < tuning.maxAttempts(); attempt++) {
            // The lobby item and its members in one read: if the write below commits, nobody
            // joined (joinSeq) or left (peerCount) since, so these members are the earlier peers.
            LobbyTable.LobbyQuery read = lobbies.query(lobby, now);
            Map<String, AttributeValue> meta = read.meta().orElse(null);
            Optional<JoinRefusal> refused = refusal(meta, now);
            if (refused.isPresent()) {
                releaseReservation(lobby, peerId, joiner.connectionId());
                return new JoinOutcome.Refused(refused.get());
            }
            LobbyMode mode = modeOf(meta);
            long seq = longOf(meta, JOIN_SEQ);
            long next = seq + 1;
            int count = intOf(meta, PEER_COUNT);
            // The count is a condition too, so this write knows whether it fills the lobby.
            boolean fills = count + 1 >= intOf(meta, MAX_PEERS);
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
                                                            + " = :count + :one, "
                                                            + JOIN_SEQ
                                                            + " = :next"
                                                            + (fills
                                                                    ? " REMOVE " + Listing.UNLIST
                                                                    : ""))
                                            .conditionExpression(
                                                    JOIN_SEQ
                                                            + " = :seq AND "
                                                            + SEALED
                                                            + " = :false AND "
                                                            + PEER_COUNT
                                                            + " = :count AND :count < "
                                                            + MAX_PEERS
                                                            + " AND "
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
                                                            ":count",
                                                            n(count),
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
                // Its peers' relays to it are likely to run in this environment next.
                lobbies.remember(
                        lobby,
                        new Member(peerId, joiner.connectionId(), joiner.extensions(), next),
                        now);
                return new JoinOutcome.Joined(
                        lobby,
                        peerId,
                        mode,
                        read.members(),
                        LobbyDirectoryTable.toldOnJoin(meta, count + 1));
            }
            if (outcome.failed(AdmitSlot.MEMBERSHIP)) {
                releaseReservation(lobby, peerId, joiner.connectionId());
                return alreadyJoinedOrGone(outcome.itemOf(AdmitSlot.MEMBERSHIP), now);
            }
            if (outcome.failed(AdmitSlot.RESERVATION)) {
                return new JoinOutcome
                        .NotConnected(); // the reservation expired: the joiner took too long
            }
            // The lobby changed under us (another join, a seal) or a conflict: read again (after
            // the pause, so the read sees what the others did meanwhile) and retry; the read tells
            // a sealed or full lobby apart. The first read is here too, not reused from the
            // reservation's: racing joiners would fail more transactions on an older item.
            Backoff.pause(attempt);
        }
        throw new IllegalStateException(
                "could not join lobby after " + tuning.maxAttempts() + " attempts");
    }

    /** Why nobody may join this lobby now, if so; its own size is its cap. */
    static Optional<JoinRefusal> refusal(Map<String, AttributeValue> meta, Instant now) {
        if (!live(meta, now) || !meta.containsKey(MESH)) {
            return Optional.of(JoinRefusal.LOBBY_NOT_FOUND);
        }
        if (meta.get(SEALED).bool()) {
            return Optional.of(JoinRefusal.LOBBY_SEALED);
        }
        if (intOf(meta, PEER_COUNT) >= intOf(meta, MAX_PEERS)) {
            return Optional.of(JoinRefusal.LOBBY_FULL);
        }
        return Optional.empty();
    }

    void releaseReservation(String lobby, int peerId, String connectionId) {
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

    static JoinOutcome alreadyJoinedOrGone(Map<String, AttributeValue> connection, Instant now) {
        return live(connection, now)
                ? new JoinOutcome.Refused(JoinRefusal.ALREADY_IN_LOBBY)
                : new JoinOutcome.NotConnected();
    }

    /** The pool's turn passes to {@code lobby}, if it is still where the opener saw it. */
    private Update turnUpdate(PoolTurn turn, String lobby, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":lobby", s(lobby));
        values.put(":exp", expiry(now, tuning.itemLifetime()));
        turn.seen().ifPresent(seen -> values.put(":seen", s(seen)));
        return Update.builder()
                .tableName(table)
                .key(lobbyKey(Items.turnItemKey(turn.turnKey()), LOBBY_ITEM))
                .updateExpression("SET " + TURN + " = :lobby, " + EXPIRES_AT + " = :exp")
                .conditionExpression(
                        turn.seen().isPresent()
                                ? "attribute_not_exists(" + TURN + ") OR " + TURN + " = :seen"
                                : "attribute_not_exists(" + TURN + ")")
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** A lobby's place in the lists: creation time (ms, fixed width), then its key. */
    static String listOrder(Instant createdAt, String lobby) {
        return String.format("%013d#%s", createdAt.toEpochMilli(), lobby);
    }

    Put memberPut(String lobby, int peerId, Connection connection, long seq, Instant now) {
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
}
