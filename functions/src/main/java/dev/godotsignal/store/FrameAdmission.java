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
 * The admission of each frame, on its connection's record: an atomic write counts it in its rate
 * window and reads (for a description: opens) its pair's ordering gate, and returns the record, so
 * the message path needs no separate read. A frame of a demo connection whose environment already
 * holds a rate token for it ({@link RateLeases}) is counted without a write: it only reads the
 * record, consistently, for the same gate.
 */
final class FrameAdmission {
    /**
     * How often a frame contends for a fresh rate window before it is counted as over the limit.
     */
    private static final int WINDOW_ATTEMPTS = 3;

    private final DynamoDbClient dynamo;
    private final String table;
    private final ConnectionTable connections;
    private final RateLeases leases;

    FrameAdmission(
            DynamoDbClient dynamo, String table, ConnectionTable connections, RateLeases leases) {
        this.dynamo = dynamo;
        this.table = table;
        this.connections = connections;
        this.leases = leases;
    }

    /**
     * Counts the frame in its rate window. Counting is an atomic ADD that returns the whole item,
     * so it doubles as the read of the connection and of the pair's ordering gate: one write, no
     * read, and a connection's concurrent frames never retry (a new window is opened by whichever
     * frame gets there first; the others count in it). The write may take more tokens than the
     * frame's own, for this environment to spend on the connection's next frames.
     */
    MessageAdmission admit(
            String connectionId, Limits.RateWindow rateWindow, RelayIntent relay, Instant now) {
        long window = rateWindow.index();
        // A description writes anyway (it opens its pair's gate); any other frame with a token in
        // hand only reads. A read sees the gate as the write would have: candidates are ordered
        // after the descriptions whose writes committed before it, as with a counting write.
        if (!(relay instanceof RelayIntent.Description) && leases.spend(connectionId, window)) {
            MessageAdmission admission =
                    admitted(connectionId, connections.record(connectionId), relay, now);
            if (!(admission instanceof MessageAdmission.Admitted)) {
                leases.forget(connectionId);
            }
            return admission;
        }
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
                return counted(
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
                        window,
                        // No limit to count against: a demo connection's next frames only read.
                        Integer.MAX_VALUE,
                        now);
            } catch (ConditionalCheckFailedException e) {
                return new MessageAdmission.UnknownConnection();
            }
        }
        // A description writes anyway: with a token in hand it spends it and takes none, else it
        // takes a lease like any other frame (the next frames here then only read).
        int take =
                relay instanceof RelayIntent.Description && leases.spend(connectionId, window)
                        ? 0
                        : Math.min(leases.take(connectionId), rateWindow.budget());
        for (int attempt = 0; attempt < WINDOW_ATTEMPTS; attempt++) {
            int taking = take;
            try {
                Map<String, AttributeValue> item =
                        dynamo.updateItem(
                                        b ->
                                                b.tableName(table)
                                                        .key(key)
                                                        .updateExpression(
                                                                "ADD "
                                                                        + RATE_COUNT
                                                                        + " :take, "
                                                                        + FRAMES
                                                                        + " :one"
                                                                        + openClause)
                                                        .conditionExpression(
                                                                RATE_WINDOW
                                                                        + " = :w AND "
                                                                        + RATE_COUNT
                                                                        + " <= :most")
                                                        .expressionAttributeNames(names)
                                                        .expressionAttributeValues(
                                                                Map.of(
                                                                        ":one",
                                                                        n(1),
                                                                        ":take",
                                                                        n(taking),
                                                                        ":w",
                                                                        n(window),
                                                                        ":most",
                                                                        n(
                                                                                rateWindow.budget()
                                                                                        - taking)))
                                                        .returnValues(ReturnValue.ALL_NEW)
                                                        .returnValuesOnConditionCheckFailure(
                                                                ReturnValuesOnConditionCheckFailure
                                                                        .ALL_OLD))
                                .attributes();
                return counted(connectionId, item, relay, window, taking, now);
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> old = e.item();
                if (old == null || old.isEmpty()) {
                    leases.forget(connectionId);
                    return new MessageAdmission.UnknownConnection();
                }
                if (old.containsKey(RATE_WINDOW) && longOf(old, RATE_WINDOW) == window) {
                    if (longOf(old, RATE_COUNT) < rateWindow.budget() && taking > 1) {
                        take = 1; // fewer left than the lease asked for: just this frame's
                        continue;
                    }
                    // this window's budget is spent
                    leases.forget(connectionId);
                    return ConnectionTable.toConnection(connectionId, old, now)
                            .<MessageAdmission>map(MessageAdmission.RateLimited::new)
                            .orElseGet(MessageAdmission.UnknownConnection::new);
                }
            }
            // A new window counts this frame, whatever was held for the old one.
            int opening = Math.max(1, taking);
            take = opening;
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
                                                                        + " = :take ADD "
                                                                        + FRAMES
                                                                        + " :one"
                                                                        + openClause)
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
                                                                        ":one",
                                                                        n(1),
                                                                        ":take",
                                                                        n(opening),
                                                                        ":w",
                                                                        n(window)))
                                                        .returnValues(ReturnValue.ALL_NEW))
                                .attributes();
                return counted(connectionId, item, relay, window, opening, now);
            } catch (ConditionalCheckFailedException e) {
                // someone opened the window first (or the connection is gone): try again
            }
        }
        leases.forget(connectionId);
        return connections
                .get(connectionId, now)
                .<MessageAdmission>map(MessageAdmission.RateLimited::new)
                .orElseGet(MessageAdmission.UnknownConnection::new);
    }

    /**
     * A counting write took {@code taken} tokens (0: the frame spent one this environment held):
     * the frame is admitted, and a demo connection's spare tokens are this environment's to spend.
     */
    private MessageAdmission counted(
            String connectionId,
            Map<String, AttributeValue> item,
            RelayIntent relay,
            long window,
            int taken,
            Instant now) {
        MessageAdmission admission = admitted(connectionId, item, relay, now);
        if (!(admission instanceof MessageAdmission.Admitted admitted)) {
            return admission;
        }
        if (admitted.connection().extensions()) {
            leases.resumable(connectionId);
        } else if (taken > 0) {
            leases.took(
                    connectionId,
                    window,
                    taken,
                    item.containsKey(RATE_COUNT) ? longOf(item, RATE_COUNT) : taken);
        }
        return admission;
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
