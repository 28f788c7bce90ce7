package dev.godotsignal.store;

import static dev.godotsignal.store.Items.CONNECTION_ID;
import static dev.godotsignal.store.Items.FRAMES;
import static dev.godotsignal.store.Items.RATE_COUNT;
import static dev.godotsignal.store.Items.RATE_WINDOW;
import static dev.godotsignal.store.Items.connectionKey;
import static dev.godotsignal.store.Items.gateDelivered;
import static dev.godotsignal.store.Items.gateOpened;
import static dev.godotsignal.store.Items.longOf;
import static dev.godotsignal.store.Items.n;

import dev.godotsignal.lobby.Limits;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.OrderingGate;
import dev.godotsignal.relay.RelayIntent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The admission of each frame, on its connection's record: one atomic write counts it in its rate
 * window and reads (for a description: opens) its pair's ordering gate, and returns the record, so
 * the message path needs no separate read.
 */
final class FrameAdmission {
    /**
     * How often a frame contends for a fresh rate window before it is counted as over the limit.
     */
    private static final int WINDOW_ATTEMPTS = 3;

    private final DynamoDbClient dynamo;
    private final String table;
    private final ConnectionTable connections;

    FrameAdmission(DynamoDbClient dynamo, String table, ConnectionTable connections) {
        this.dynamo = dynamo;
        this.table = table;
        this.connections = connections;
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
                                                                        + " :one, "
                                                                        + FRAMES
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
                                                                        + " :one, "
                                                                        + FRAMES
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
                    return ConnectionTable.toConnection(connectionId, old, now)
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
                                                                        + " = :one ADD "
                                                                        + FRAMES
                                                                        + " :one"
                                                                        + opened.map(
                                                                                        name ->
                                                                                                ", #opened :one")
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
        return connections
                .get(connectionId, now)
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
        return ConnectionTable.toConnection(connectionId, item, now)
                .<MessageAdmission>map(
                        connection -> new MessageAdmission.Admitted(connection, gate))
                .orElseGet(MessageAdmission.UnknownConnection::new);
    }
}
