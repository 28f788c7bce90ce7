package dev.godotsignal.store;

import static dev.godotsignal.store.Items.CONNECTION_ID;
import static dev.godotsignal.store.Items.CREATED_AT;
import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.EXT;
import static dev.godotsignal.store.Items.JOINED_AT;
import static dev.godotsignal.store.Items.JOIN_SEQ;
import static dev.godotsignal.store.Items.LIVE_COUNTER;
import static dev.godotsignal.store.Items.LIVE_LOBBIES;
import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.LOBBY_ITEM;
import static dev.godotsignal.store.Items.MESH;
import static dev.godotsignal.store.Items.PEER_COUNT;
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
        HOST_MEMBERSHIP
    }

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
            Map<String, AttributeValue> meta = lobbies.item(lobby, LOBBY_ITEM);
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
            Map<String, AttributeValue> meta = lobbies.item(lobby, LOBBY_ITEM);
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
                        lobbies.query(lobby, now).members().stream()
                                .filter(m -> m.seq() < next)
                                .toList();
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
}
