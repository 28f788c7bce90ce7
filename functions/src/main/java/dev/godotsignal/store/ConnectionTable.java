package dev.godotsignal.store;

import static dev.godotsignal.store.Items.ALLOWED_LOBBY;
import static dev.godotsignal.store.Items.CONNECTED_AT;
import static dev.godotsignal.store.Items.CONNECTION_ID;
import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.EXT;
import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.MESH;
import static dev.godotsignal.store.Items.PEER_ID;
import static dev.godotsignal.store.Items.RATE_COUNT;
import static dev.godotsignal.store.Items.RATE_WINDOW;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.connectionKey;
import static dev.godotsignal.store.Items.expiry;
import static dev.godotsignal.store.Items.gateDelivered;
import static dev.godotsignal.store.Items.gateHeld;
import static dev.godotsignal.store.Items.gateOpened;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.live;
import static dev.godotsignal.store.Items.longOf;
import static dev.godotsignal.store.Items.modeOf;
import static dev.godotsignal.store.Items.n;
import static dev.godotsignal.store.Items.s;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.OrderingGate;
import dev.godotsignal.relay.RelayIntent;
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
 * The connections table: a connection's record, the admission of each of its frames (rate window
 * and ordering gate in one write) and the gates' releases. Joining writes the membership here
 * inside the lobby table's transactions ({@link #membershipUpdate}).
 */
final class ConnectionTable {
    /**
     * How often a frame contends for a fresh rate window before it is counted as over the limit.
     */
    private static final int WINDOW_ATTEMPTS = 3;

    private final DynamoDbClient dynamo;
    private final String table;
    private final StoreTuning tuning;

    ConnectionTable(DynamoDbClient dynamo, String table, StoreTuning tuning) {
        this.dynamo = dynamo;
        this.table = table;
        this.tuning = tuning;
    }

    void put(String connectionId, boolean extensions, Optional<String> allowedLobby, Instant now) {
        Map<String, AttributeValue> item =
                new HashMap<>(
                        Map.of(
                                CONNECTION_ID, s(connectionId),
                                EXT, bool(extensions),
                                CONNECTED_AT, n(now.getEpochSecond()),
                                EXPIRES_AT, expiry(now, tuning.itemLifetime())));
        allowedLobby.ifPresent(lobby -> item.put(ALLOWED_LOBBY, s(lobby)));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    Optional<Connection> get(String connectionId, Instant now) {
        Map<String, AttributeValue> item =
                dynamo.getItem(
                                b ->
                                        b.tableName(table)
                                                .key(connectionKey(connectionId))
                                                .consistentRead(true))
                        .item();
        return toConnection(connectionId, item, now);
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
        return Optional.of(
                new Connection(connectionId, item.get(EXT).bool(), allowedLobby, membership));
    }

    /**
     * Counts the frame in its rate window. Counting is an atomic ADD that returns the whole item,
     * so it doubles as the read of the connection and of the pair's ordering gate: one write, no
     * read, and a connection's concurrent frames never retry (a new window is opened by whichever
     * frame gets there first; the others count in it).
     */
    MessageAdmission admit(
            String connectionId, Limits.RateWindow rateWindow, RelayIntent relay, Instant now) {
        Map<String, AttributeValue> key = connectionKey(connectionId);
        // A description also opens the next generation of its pair's gate, in the same write.
        Optional<String> opened =
                relay instanceof RelayIntent.Description d
                        ? Optional.of(gateOpened(d.to()))
                        : Optional.empty();
        String openClause = opened.map(name -> ", #opened :one").orElse("");
        Map<String, String> names = opened.map(name -> Map.of("#opened", name)).orElse(null);
        if (!rateWindow.limited()) {
            try {
                return admitted(
                        connectionId,
                        dynamo.updateItem(
                                        b ->
                                                b.tableName(table)
                                                        .key(key)
                                                        .updateExpression(
                                                                "ADD "
                                                                        + RATE_COUNT
                                                                        + " :one"
                                                                        + openClause)
                                                        .conditionExpression(
                                                                "attribute_exists("
                                                                        + CONNECTION_ID
                                                                        + ")")
                                                        .expressionAttributeNames(names)
                                                        .expressionAttributeValues(
                                                                Map.of(":one", n(1)))
                                                        .returnValues(ReturnValue.ALL_NEW))
                                .attributes(),
                        relay,
                        now);
            } catch (ConditionalCheckFailedException e) {
                return new MessageAdmission.UnknownConnection();
            }
        }
        long window = rateWindow.index();
        for (int attempt = 0; attempt < WINDOW_ATTEMPTS; attempt++) {
            try {
                Map<String, AttributeValue> item =
                        dynamo.updateItem(
                                        b ->
                                                b.tableName(table)
                                                        .key(key)
                                                        .updateExpression(
                                                                "ADD "
                                                                        + RATE_COUNT
                                                                        + " :one"
                                                                        + openClause)
                                                        .conditionExpression(
                                                                RATE_WINDOW
                                                                        + " = :w AND "
                                                                        + RATE_COUNT
                                                                        + " < :burst")
                                                        .expressionAttributeNames(names)
                                                        .expressionAttributeValues(
                                                                Map.of(
                                                                        ":one",
                                                                        n(1),
                                                                        ":w",
                                                                        n(window),
                                                                        ":burst",
                                                                        n(rateWindow.budget())))
                                                        .returnValues(ReturnValue.ALL_NEW)
                                                        .returnValuesOnConditionCheckFailure(
                                                                ReturnValuesOnConditionCheckFailure
                                                                        .ALL_OLD))
                                .attributes();
                return admitted(connectionId, item, relay, now);
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> old = e.item();
                if (old == null || old.isEmpty()) {
                    return new MessageAdmission.UnknownConnection();
                }
                if (old.containsKey(RATE_WINDOW) && longOf(old, RATE_WINDOW) == window) {
                    return toConnection(connectionId, old, now)
                            .<MessageAdmission>map(MessageAdmission.RateLimited::new)
                            .orElseGet(
                                    MessageAdmission.UnknownConnection
                                            ::new); // this window's budget is spent
                }
            }
            try {
                // A new window: start its count (unless a concurrent frame just did; then count
                // again).
                Map<String, AttributeValue> item =
                        dynamo.updateItem(
                                        b ->
                                                b.tableName(table)
                                                        .key(key)
                                                        .updateExpression(
                                                                "SET "
                                                                        + RATE_WINDOW
                                                                        + " = :w, "
                                                                        + RATE_COUNT
                                                                        + " = :one"
                                                                        + opened.map(
                                                                                        name ->
                                                                                                " ADD #opened :one")
                                                                                .orElse(""))
                                                        .conditionExpression(
                                                                "attribute_exists("
                                                                        + CONNECTION_ID
                                                                        + ") AND (attribute_not_exists("
                                                                        + RATE_WINDOW
                                                                        + ") OR "
                                                                        + RATE_WINDOW
                                                                        + " < :w)")
                                                        .expressionAttributeNames(names)
                                                        .expressionAttributeValues(
                                                                Map.of(
                                                                        ":one", n(1), ":w",
                                                                        n(window)))
                                                        .returnValues(ReturnValue.ALL_NEW))
                                .attributes();
                return admitted(connectionId, item, relay, now);
            } catch (ConditionalCheckFailedException e) {
                // someone opened the window first (or the connection is gone): try again
            }
        }
        return get(connectionId, now)
                .<MessageAdmission>map(MessageAdmission.RateLimited::new)
                .orElseGet(MessageAdmission.UnknownConnection::new);
    }

    private static MessageAdmission admitted(
            String connectionId, Map<String, AttributeValue> item, RelayIntent relay, Instant now) {
        OrderingGate gate;
        if (relay instanceof RelayIntent.Description d) {
            gate = new OrderingGate.Opened(longOf(item, gateOpened(d.to())));
        } else if (relay instanceof RelayIntent.Candidate c) {
            AttributeValue opened = item.get(gateOpened(c.to()));
            gate =
                    opened != null && opened.equals(item.get(gateDelivered(c.to())))
                            ? new OrderingGate.Clear()
                            : new OrderingGate.Closed();
        } else {
            gate = new OrderingGate.NotRelayed();
        }
        return toConnection(connectionId, item, now)
                .<MessageAdmission>map(
                        connection -> new MessageAdmission.Admitted(connection, gate))
                .orElseGet(MessageAdmission.UnknownConnection::new);
    }

    /** See {@link dev.godotsignal.signaling.SignalingStore#descriptionDelivered}. */
    List<String> descriptionDelivered(String connectionId, int to, long generation) {
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
                                                    .returnValues(ReturnValue.UPDATED_OLD))
                            .attributes();
            AttributeValue held = old == null ? null : old.get(gateHeld(to));
            return held == null ? List.of() : held.l().stream().map(AttributeValue::s).toList();
        } catch (ConditionalCheckFailedException e) {
            return List
                    .of(); // a newer description opened (its delivery releases them), or the sender
            // is gone
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
