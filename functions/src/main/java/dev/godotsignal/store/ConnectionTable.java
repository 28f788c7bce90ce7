package dev.godotsignal.store;

import static dev.godotsignal.store.Items.ALLOWED_LOBBY;
import static dev.godotsignal.store.Items.CONNECTED_AT;
import static dev.godotsignal.store.Items.CONNECTION_ID;
import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.EXT;
import static dev.godotsignal.store.Items.FRAMES;
import static dev.godotsignal.store.Items.GAME;
import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.MESH;
import static dev.godotsignal.store.Items.PEER_ID;
import static dev.godotsignal.store.Items.PLAYER;
import static dev.godotsignal.store.Items.RATE_COUNT;
import static dev.godotsignal.store.Items.RATE_WINDOW;
import static dev.godotsignal.store.Items.RESUME_SECRET;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.connectionKey;
import static dev.godotsignal.store.Items.expiry;
import static dev.godotsignal.store.Items.gateDelivered;
import static dev.godotsignal.store.Items.gateHeld;
import static dev.godotsignal.store.Items.gateOpened;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.live;
import static dev.godotsignal.store.Items.modeOf;
import static dev.godotsignal.store.Items.n;
import static dev.godotsignal.store.Items.s;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.DeadlineOutcome;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyMode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The connections table: a connection's record and its ordering gates' releases ({@link
 * FrameAdmission} counts its frames). Joining writes the membership here inside the lobby table's
 * transactions ({@link #membershipUpdate}).
 */
final class ConnectionTable {

    private final DynamoDbClient dynamo;
    private final String table;
    private final StoreTuning tuning;

    ConnectionTable(DynamoDbClient dynamo, String table, StoreTuning tuning) {
        this.dynamo = dynamo;
        this.table = table;
        this.tuning = tuning;
    }

    void put(Connection connection, Limits.RateWindow firstWindow, Instant now) {
        Map<String, AttributeValue> item = item(connection, now);
        if (firstWindow.limited()) {
            item.put(RATE_WINDOW, n(firstWindow.index()));
            item.put(RATE_COUNT, n(0));
        }
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    /** A connection's record as written when it arrives (or resumes, with its membership). */
    Map<String, AttributeValue> item(Connection connection, Instant now) {
        Map<String, AttributeValue> item =
                new HashMap<>(
                        Map.of(
                                CONNECTION_ID, s(connection.connectionId()),
                                EXT, bool(connection.extensions()),
                                GAME, s(connection.game()),
                                CONNECTED_AT, n(now.getEpochSecond()),
                                EXPIRES_AT, expiry(now, tuning.itemLifetime())));
        connection.allowedLobby().ifPresent(lobby -> item.put(ALLOWED_LOBBY, s(lobby)));
        connection.player().ifPresent(player -> item.put(PLAYER, s(player)));
        connection.resumeSecret().ifPresent(secret -> item.put(RESUME_SECRET, s(secret)));
        connection
                .membership()
                .ifPresent(
                        membership -> {
                            item.put(LOBBY, s(membership.lobby()));
                            item.put(PEER_ID, n(membership.peerId()));
                            item.put(MESH, bool(membership.mode().isMesh()));
                        });
        return item;
    }

    /** The raw record, strongly consistent (empty map when there is none). */
    Map<String, AttributeValue> record(String connectionId) {
        Map<String, AttributeValue> item =
                dynamo.getItem(
                                b ->
                                        b.tableName(table)
                                                .key(connectionKey(connectionId))
                                                .consistentRead(true))
                        .item();
        return item == null ? Map.of() : item;
    }

    Optional<Connection> get(String connectionId, Instant now) {
        return toConnection(connectionId, record(connectionId), now);
    }

    /** Deletes the record; returns what it held (empty if there was none). */
    Map<String, AttributeValue> delete(String connectionId) {
        Map<String, AttributeValue> old =
                dynamo.deleteItem(
                                b ->
                                        b.tableName(table)
                                                .key(connectionKey(connectionId))
                                                .returnValues(ReturnValue.ALL_OLD))
                        .attributes();
        return old == null ? Map.of() : old;
    }

    /** See {@link dev.godotsignal.signaling.SignalingStore#expireUnjoined}. */
    DeadlineOutcome expireUnjoined(String connectionId, boolean unlessHeard, Instant now) {
        try {
            Map<String, AttributeValue> old =
                    dynamo.deleteItem(
                                    b ->
                                            b.tableName(table)
                                                    .key(connectionKey(connectionId))
                                                    .conditionExpression(
                                                            "attribute_exists("
                                                                    + CONNECTION_ID
                                                                    + ") AND attribute_not_exists("
                                                                    + LOBBY
                                                                    + ")"
                                                                    + (unlessHeard
                                                                            ? " AND attribute_not_exists("
                                                                                    + FRAMES
                                                                                    + ")"
                                                                            : ""))
                                                    .returnValues(ReturnValue.ALL_OLD)
                                                    .returnValuesOnConditionCheckFailure(
                                                            ReturnValuesOnConditionCheckFailure
                                                                    .ALL_OLD))
                            .attributes();
            return toConnection(connectionId, old == null ? Map.of() : old, now)
                    .<DeadlineOutcome>map(DeadlineOutcome.Expired::new)
                    .orElseGet(DeadlineOutcome.Gone::new);
        } catch (ConditionalCheckFailedException e) {
            Optional<Connection> found =
                    toConnection(connectionId, e.hasItem() ? e.item() : Map.of(), now);
            if (found.isEmpty()) {
                return new DeadlineOutcome.Gone();
            }
            return found.get().membership().isPresent()
                    ? new DeadlineOutcome.Joined()
                    : new DeadlineOutcome.JoinInFlight();
        }
    }

    static Optional<Connection> toConnection(
            String connectionId, Map<String, AttributeValue> item, Instant now) {
        if (!live(item, now) || !item.containsKey(EXT)) {
            return Optional.empty();
        }
        Optional<Connection.Membership> membership =
                item.containsKey(LOBBY)
                        ? Optional.of(
                                new Connection.Membership(
                                        item.get(LOBBY).s(), intOf(item, PEER_ID), modeOf(item)))
                        : Optional.empty();
        Optional<String> allowedLobby =
                Optional.ofNullable(item.get(ALLOWED_LOBBY)).map(AttributeValue::s);
        String game = item.containsKey(GAME) ? item.get(GAME).s() : Games.DEFAULT;
        return Optional.of(
                new Connection(
                        connectionId,
                        item.get(EXT).bool(),
                        game,
                        allowedLobby,
                        Optional.ofNullable(item.get(PLAYER)).map(AttributeValue::s),
                        Optional.ofNullable(item.get(RESUME_SECRET)).map(AttributeValue::s),
                        membership,
                        item.containsKey(FRAMES)));
    }

    /**
     * The delivery mark of {@link dev.godotsignal.signaling.SignalingStore#descriptionDelivered} on
     * one connection record: the candidates it released, or empty when the record is gone (the
     * caller then looks for the connection a resume moved the gate to).
     */
    Optional<List<String>> descriptionDelivered(String connectionId, int to, long generation) {
        try {
            Map<String, AttributeValue> old =
                    dynamo.updateItem(
                                    b ->
                                            b.tableName(table)
                                                    .key(connectionKey(connectionId))
                                                    .updateExpression(
                                                            "SET #delivered = :g REMOVE #held")
                                                    .conditionExpression("#opened = :g")
                                                    .expressionAttributeNames(
                                                            Map.of(
                                                                    "#delivered",
                                                                    gateDelivered(to),
                                                                    "#held",
                                                                    gateHeld(to),
                                                                    "#opened",
                                                                    gateOpened(to)))
                                                    .expressionAttributeValues(
                                                            Map.of(":g", n(generation)))
                                                    .returnValues(ReturnValue.UPDATED_OLD)
                                                    .returnValuesOnConditionCheckFailure(
                                                            ReturnValuesOnConditionCheckFailure
                                                                    .ALL_OLD))
                            .attributes();
            AttributeValue held = old == null ? null : old.get(gateHeld(to));
            return Optional.of(
                    held == null ? List.of() : held.l().stream().map(AttributeValue::s).toList());
        } catch (ConditionalCheckFailedException e) {
            // A newer description opened (its delivery releases them), or the record is gone.
            return e.hasItem() && !e.item().isEmpty() ? Optional.of(List.of()) : Optional.empty();
        }
    }

    /** See {@link dev.godotsignal.signaling.SignalingStore#holdCandidate}. */
    boolean holdCandidate(String connectionId, int to, String data) {
        try {
            dynamo.updateItem(
                    b ->
                            b.tableName(table)
                                    .key(connectionKey(connectionId))
                                    .updateExpression(
                                            "SET #held = list_append(if_not_exists(#held, :empty), :c)")
                                    .conditionExpression(
                                            "attribute_exists("
                                                    + CONNECTION_ID
                                                    + ") AND "
                                                    + "(attribute_not_exists(#delivered) OR #delivered <> #opened)")
                                    .expressionAttributeNames(
                                            Map.of(
                                                    "#held",
                                                    gateHeld(to),
                                                    "#delivered",
                                                    gateDelivered(to),
                                                    "#opened",
                                                    gateOpened(to)))
                                    .expressionAttributeValues(
                                            Map.of(
                                                    ":empty",
                                                    AttributeValue.fromL(List.of()),
                                                    ":c",
                                                    AttributeValue.fromL(List.of(s(data))))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false; // delivered meanwhile (or the sender is gone): the candidate may go
        }
    }

    /**
     * Records the membership on the connection, only if it is live and not in a lobby yet; a
     * failure returns the record as it was, to tell "already in a lobby" from "gone".
     */
    Update membershipUpdate(
            String connectionId, String lobby, int peerId, LobbyMode mode, Instant now) {
        return Update.builder()
                .tableName(table)
                .key(connectionKey(connectionId))
                .updateExpression(
                        "SET " + LOBBY + " = :lobby, " + PEER_ID + " = :peer, " + MESH + " = :mesh")
                .conditionExpression(
                        "attribute_exists("
                                + CONNECTION_ID
                                + ") AND attribute_not_exists("
                                + LOBBY
                                + ") AND "
                                + EXPIRES_AT
                                + " > :now")
                .expressionAttributeValues(
                        Map.of(
                                ":lobby",
                                s(lobby),
                                ":peer",
                                n(peerId),
                                ":mesh",
                                bool(mode.isMesh()),
                                ":now",
                                n(now.getEpochSecond())))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }
}
