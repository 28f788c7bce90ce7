package dev.godotsignal.store;

import static dev.godotsignal.store.Items.CONNECTION_ID;
import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.EXT;
import static dev.godotsignal.store.Items.FRAMES;
import static dev.godotsignal.store.Items.GAME;
import static dev.godotsignal.store.Items.HELD;
import static dev.godotsignal.store.Items.KEPT;
import static dev.godotsignal.store.Items.KEPT_BYTES;
import static dev.godotsignal.store.Items.LEFT_AT;
import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.LOBBY_ITEM;
import static dev.godotsignal.store.Items.MESH;
import static dev.godotsignal.store.Items.PEER_ID;
import static dev.godotsignal.store.Items.PENDING;
import static dev.godotsignal.store.Items.PLAYER;
import static dev.godotsignal.store.Items.PREVIOUS_SECRET;
import static dev.godotsignal.store.Items.RESUME_BY;
import static dev.godotsignal.store.Items.RESUME_SECRET;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.connectionKey;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.live;
import static dev.godotsignal.store.Items.lobbyKey;
import static dev.godotsignal.store.Items.longOf;
import static dev.godotsignal.store.Items.modeOf;
import static dev.godotsignal.store.Items.n;
import static dev.godotsignal.store.Items.s;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.resume.Keeping;
import dev.godotsignal.resume.ResumeRefusal;
import dev.godotsignal.resume.ResumeStore;
import dev.godotsignal.resume.ResumeToken;
import dev.godotsignal.resume.Resumption;
import dev.godotsignal.resume.Suspension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Suspended and resumed peers, on the member's item in the lobbies table ({@value Items#HELD},
 * {@value Items#RESUME_BY}, {@value Items#KEPT}) and the connection records: see {@link
 * ResumeStore}. Nothing here runs unless a socket drops, so a session without a blip pays for none
 * of it.
 */
final class Suspensions {
    private static final System.Logger LOG = System.getLogger(Suspensions.class.getName());

    private enum SuspendSlot {
        MEMBER,
        LOBBY_ITEM
    }

    private enum ResumeSlot {
        MEMBER,
        NEW_CONNECTION,
        OLD_CONNECTION,
        LOBBY_ITEM
    }

    /** How often a resume reads again when the old connection's record changed meanwhile. */
    private static final int RESUME_ATTEMPTS = 8;

    /** How often keeping re-tries when its trimmed write races another. */
    private static final int KEEP_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String lobbiesTable;
    private final String connectionsTable;
    private final ConnectionTable connections;
    private final LobbyTable lobbies;

    Suspensions(
            DynamoDbClient dynamo,
            TableNames tables,
            ConnectionTable connections,
            LobbyTable lobbies) {
        this.dynamo = dynamo;
        this.lobbiesTable = tables.lobbies();
        this.connectionsTable = tables.connections();
        this.connections = connections;
        this.lobbies = lobbies;
    }

    /**
     * One read of the connection's record, then, for an extension member, one transaction: the
     * member is held until {@code resumeBy} if it is still on this connection and not already
     * suspended, and its lobby still exists (sealed or not: a socket that dropped as the SEAL was
     * sent may not have received it, and nobody is told of a suspension either way).
     */
    Suspension suspend(String connectionId, Instant resumeBy, Instant now) {
        Map<String, AttributeValue> record = connections.record(connectionId);
        if (record.isEmpty()) {
            return new Suspension.NoRecord();
        }
        if (!live(record, now) || !record.get(EXT).bool() || !record.containsKey(LOBBY)) {
            return new Suspension.NotSuspendable();
        }
        String lobby = record.get(LOBBY).s();
        int peerId = intOf(record, PEER_ID);
        lobbies.forgetConnection(connectionId);
        Transaction.Outcome<SuspendSlot> outcome =
                new Transaction<SuspendSlot>()
                        .update(
                                SuspendSlot.MEMBER,
                                Update.builder()
                                        .tableName(lobbiesTable)
                                        .key(lobbyKey(lobby, peerId))
                                        .updateExpression(
                                                "SET " + HELD + " = :true, " + RESUME_BY + " = :by")
                                        .conditionExpression(
                                                CONNECTION_ID
                                                        + " = :conn AND attribute_not_exists("
                                                        + LEFT_AT
                                                        + ") AND attribute_not_exists("
                                                        + RESUME_BY
                                                        + ")")
                                        .expressionAttributeValues(
                                                Map.of(
                                                        ":true",
                                                        bool(true),
                                                        ":by",
                                                        n(resumeBy.getEpochSecond()),
                                                        ":conn",
                                                        s(connectionId)))
                                        .returnValuesOnConditionCheckFailure(
                                                ReturnValuesOnConditionCheckFailure.ALL_OLD)
                                        .build())
                        .check(SuspendSlot.LOBBY_ITEM, liveLobby(lobby, now))
                        .run(dynamo);
        if (outcome.committed()) {
            return new Suspension.Suspended(lobby, peerId);
        }
        if (outcome.failed(SuspendSlot.MEMBER)) {
            Map<String, AttributeValue> member = outcome.itemOf(SuspendSlot.MEMBER);
            boolean already =
                    member != null
                            && member.containsKey(RESUME_BY)
                            && member.containsKey(CONNECTION_ID)
                            && member.get(CONNECTION_ID).s().equals(connectionId)
                            && !member.containsKey(LEFT_AT);
            if (already) {
                return new Suspension.AlreadySuspended(lobby, peerId);
            }
            boolean moved =
                    member != null
                            && member.containsKey(CONNECTION_ID)
                            && !member.get(CONNECTION_ID).s().equals(connectionId)
                            && !member.containsKey(LEFT_AT);
            if (moved) {
                // It resumed on another connection between the read above and this write: as if
                // the record were already gone, the frames this connection missed follow it.
                return new Suspension.NoRecord();
            }
        }
        return new Suspension.NotSuspendable(); // left, or its lobby is gone
    }

    /**
     * The lobby still exists. A peer may resume after SEAL, to learn of it before the lobby's
     * sockets close.
     */
    private ConditionCheck liveLobby(String lobby, Instant now) {
        return ConditionCheck.builder()
                .tableName(lobbiesTable)
                .key(lobbyKey(lobby, LOBBY_ITEM))
                .conditionExpression("attribute_exists(" + MESH + ") AND " + EXPIRES_AT + " > :now")
                .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))
                .build();
    }

    /**
     * One conditional append while the member is held and within budget; over budget, the oldest
     * kept frames are dropped in a write conditioned on the size it read.
     */
    Keeping keep(String lobby, int peerId, List<String> frames, Instant now) {
        List<String> incoming = new ArrayList<>(frames);
        int dropped = trim(incoming, ResumeStore.KEPT_BUDGET_BYTES);
        long size = bytes(incoming);
        for (int attempt = 0; attempt < KEEP_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> old;
            try {
                dynamo.updateItem(
                        b ->
                                b.tableName(lobbiesTable)
                                        .key(lobbyKey(lobby, peerId))
                                        .updateExpression(
                                                "SET "
                                                        + KEPT
                                                        + " = list_append(if_not_exists("
                                                        + KEPT
                                                        + ", :empty), :frames) ADD "
                                                        + KEPT_BYTES
                                                        + " :size")
                                        .conditionExpression(
                                                "attribute_exists("
                                                        + HELD
                                                        + ") AND attribute_not_exists("
                                                        + LEFT_AT
                                                        + ") AND (attribute_not_exists("
                                                        + KEPT_BYTES
                                                        + ") OR "
                                                        + KEPT_BYTES
                                                        + " <= :room)")
                                        .expressionAttributeValues(
                                                Map.of(
                                                        ":empty",
                                                        AttributeValue.fromL(List.of()),
                                                        ":frames",
                                                        list(incoming),
                                                        ":size",
                                                        n(size),
                                                        ":room",
                                                        n(ResumeStore.KEPT_BUDGET_BYTES - size)))
                                        .returnValuesOnConditionCheckFailure(
                                                ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return new Keeping.Kept(dropped);
            } catch (ConditionalCheckFailedException e) {
                old = e.item();
            }
            if (old == null
                    || !live(old, now)
                    || old.containsKey(LEFT_AT)
                    || old.containsKey(PENDING)) {
                return new Keeping.Gone();
            }
            if (!old.containsKey(HELD)) {
                return new Keeping.Active(Items.member(old));
            }
            // Over budget: the oldest frames make room, in a write that loses to any other change.
            List<String> all = new ArrayList<>();
            if (old.containsKey(KEPT)) {
                old.get(KEPT).l().forEach(v -> all.add(v.s()));
            }
            all.addAll(incoming);
            int trimmed = trim(all, ResumeStore.KEPT_BUDGET_BYTES);
            long oldSize = old.containsKey(KEPT_BYTES) ? longOf(old, KEPT_BYTES) : 0;
            try {
                dynamo.updateItem(
                        b ->
                                b.tableName(lobbiesTable)
                                        .key(lobbyKey(lobby, peerId))
                                        .updateExpression(
                                                "SET "
                                                        + KEPT
                                                        + " = :all, "
                                                        + KEPT_BYTES
                                                        + " = :size")
                                        .conditionExpression(
                                                "attribute_exists("
                                                        + HELD
                                                        + ") AND "
                                                        + KEPT_BYTES
                                                        + " = :old")
                                        .expressionAttributeValues(
                                                Map.of(
                                                        ":all",
                                                        list(all),
                                                        ":size",
                                                        n(bytes(all)),
                                                        ":old",
                                                        n(oldSize))));
                return new Keeping.Kept(dropped + trimmed);
            } catch (ConditionalCheckFailedException e) {
                // it changed meanwhile (more kept, or drained): look again
            }
        }
        throw new IllegalStateException(
                "could not keep frames after " + KEEP_ATTEMPTS + " attempts");
    }

    /** Drops the oldest frames until the rest fit in {@code budget} bytes; returns how many. */
    private static int trim(List<String> frames, long budget) {
        int dropped = 0;
        long size = bytes(frames);
        while (size > budget && !frames.isEmpty()) {
            size -= bytes(List.of(frames.remove(0)));
            dropped++;
        }
        return dropped;
    }

    private static long bytes(List<String> frames) {
        long size = 0;
        for (String frame : frames) {
            size += frame.getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private static AttributeValue list(List<String> frames) {
        return AttributeValue.fromL(frames.stream().map(Items::s).toList());
    }

    /**
     * Two strongly consistent reads (the member, the connection it is on), checks, then one
     * transaction: the member moves to the new connection (held until greeted), the new record is
     * written with its membership, the old one is deleted if it still holds the token's secret, and
     * the lobby still exists. Of two resumes racing with one token, one loses that transaction. The
     * token stays valid on the new connection only until the greeting has delivered its replacement
     * ({@link #tokenDelivered}): a client whose resumed socket drops before that has no other; once
     * it has, the old token is spent.
     *
     * <p>What the new record copies from the old (the frame count, the gates and the candidates
     * they hold) must be what the old record holds when it is deleted: an invocation of the old
     * connection still running may count a frame or hold a candidate between the read and the
     * transaction. So the delete is also conditioned on those, and a resume that finds them changed
     * reads again.
     */
    Resumption resume(Connection fresh, ResumeToken token, Instant now) {
        for (int attempt = 0; attempt < RESUME_ATTEMPTS; attempt++) {
            Optional<Resumption> done = attemptResume(fresh, token, now);
            if (done.isPresent()) {
                return done.get();
            }
            Backoff.pause(attempt);
        }
        return refused(token, ResumeRefusal.GONE, "its old connection kept changing");
    }

    /** One try; empty when the old connection's record changed between the read and the write. */
    private Optional<Resumption> attemptResume(Connection fresh, ResumeToken token, Instant now) {
        String lobby = token.lobby();
        int peerId = token.peerId();
        Map<String, AttributeValue> member = lobbies.item(lobby, peerId);
        if (!live(member, now)
                || !member.containsKey(CONNECTION_ID)
                || member.containsKey(PENDING)
                || member.containsKey(LEFT_AT)) {
            return Optional.of(refused(token, ResumeRefusal.GONE, "the peer left"));
        }
        if (member.containsKey(RESUME_BY) && longOf(member, RESUME_BY) <= now.getEpochSecond()) {
            return Optional.of(refused(token, ResumeRefusal.GONE, "its grace is over"));
        }
        String oldConnection = member.get(CONNECTION_ID).s();
        Map<String, AttributeValue> old = connections.record(oldConnection);
        if (!live(old, now) || !old.containsKey(LOBBY)) {
            return Optional.of(
                    refused(token, ResumeRefusal.GONE, "its connection's record is gone"));
        }
        Optional<String> player = Optional.ofNullable(old.get(PLAYER)).map(AttributeValue::s);
        String game = old.containsKey(GAME) ? old.get(GAME).s() : Games.DEFAULT;
        if (!holdsSecret(old, token)) {
            return Optional.of(refused(token, ResumeRefusal.FORBIDDEN, "not its current token"));
        }
        if (!player.equals(fresh.player()) || !game.equals(fresh.game())) {
            return Optional.of(refused(token, ResumeRefusal.FORBIDDEN, "another player or game"));
        }
        Connection resumed = fresh.joined(new Connection.Membership(lobby, peerId, modeOf(old)));
        long received = old.containsKey(FRAMES) ? longOf(old, FRAMES) : 0;
        // The peer's descriptions sent before the drop are done with (delivered, kept, or being
        // delivered by an invocation still running): its gates start open, so a candidate it sends
        // now never waits for a description it will not send again. The candidates a gate still
        // holds move along: the running invocation's delivery mark finds the old record gone and
        // releases them from this one (DynamoDbSignalingStore#descriptionDelivered).
        Map<String, AttributeValue> record = new HashMap<>(connections.item(resumed, now));
        // The count runs on across the peer's connections, so a resumed connection that drops
        // before its greeting still acknowledges what the earlier ones delivered.
        record.put(FRAMES, n(received));
        record.put(PREVIOUS_SECRET, s(token.secret()));
        // The old record is deleted only as it was read: same count, same held candidates.
        StringBuilder unchanged =
                new StringBuilder(
                        "(" + RESUME_SECRET + " = :secret OR " + PREVIOUS_SECRET + " = :secret)");
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":secret", s(token.secret()));
        names.put("#frames", FRAMES);
        if (old.containsKey(FRAMES)) {
            unchanged.append(" AND #frames = :frames");
            values.put(":frames", old.get(FRAMES));
        } else {
            unchanged.append(" AND attribute_not_exists(#frames)");
        }
        old.forEach(
                (name, value) ->
                        Items.gateOpenedTo(name)
                                .ifPresent(
                                        to -> {
                                            record.put(name, value);
                                            record.put(Items.gateDelivered(to), value);
                                            String held = Items.gateHeld(to);
                                            names.put("#held" + to, held);
                                            if (old.containsKey(held)) {
                                                record.put(held, old.get(held));
                                                values.put(":held" + to, old.get(held));
                                                unchanged.append(
                                                        " AND #held" + to + " = :held" + to);
                                            } else {
                                                unchanged.append(
                                                        " AND attribute_not_exists(#held"
                                                                + to
                                                                + ")");
                                            }
                                        }));
        boolean wasSuspended = member.containsKey(RESUME_BY);
        Transaction.Outcome<ResumeSlot> outcome =
                new Transaction<ResumeSlot>()
                        .update(
                                ResumeSlot.MEMBER,
                                Update.builder()
                                        .tableName(lobbiesTable)
                                        .key(lobbyKey(lobby, peerId))
                                        .updateExpression(
                                                "SET "
                                                        + CONNECTION_ID
                                                        + " = :new, "
                                                        + HELD
                                                        + " = :true REMOVE "
                                                        + RESUME_BY)
                                        .conditionExpression(
                                                CONNECTION_ID
                                                        + " = :old AND attribute_not_exists("
                                                        + LEFT_AT
                                                        + ")")
                                        .expressionAttributeValues(
                                                Map.of(
                                                        ":new",
                                                        s(fresh.connectionId()),
                                                        ":old",
                                                        s(oldConnection),
                                                        ":true",
                                                        bool(true)))
                                        .build())
                        .put(
                                ResumeSlot.NEW_CONNECTION,
                                Put.builder()
                                        .tableName(connectionsTable)
                                        .item(record)
                                        .conditionExpression(
                                                "attribute_not_exists(" + CONNECTION_ID + ")")
                                        .build())
                        .delete(
                                ResumeSlot.OLD_CONNECTION,
                                Delete.builder()
                                        .tableName(connectionsTable)
                                        .key(connectionKey(oldConnection))
                                        .conditionExpression(unchanged.toString())
                                        .expressionAttributeNames(names)
                                        .expressionAttributeValues(values)
                                        .returnValuesOnConditionCheckFailure(
                                                ReturnValuesOnConditionCheckFailure.ALL_OLD)
                                        .build())
                        .check(ResumeSlot.LOBBY_ITEM, liveLobby(lobby, now))
                        .run(dynamo);
        if (!outcome.committed()) {
            if (outcome.conflicted()
                    || (outcome.failedAlone(ResumeSlot.OLD_CONNECTION)
                            && holdsSecret(outcome.itemOf(ResumeSlot.OLD_CONNECTION), token))) {
                return Optional.empty(); // the old connection's invocations wrote meanwhile
            }
            return Optional.of(
                    refused(
                            token,
                            ResumeRefusal.GONE,
                            "its write was cancelled " + outcome.reasons())); // raced, or gone
        }
        lobbies.forgetConnection(oldConnection);
        return Optional.of(
                new Resumption.Resumed(
                        resumed,
                        received,
                        wasSuspended ? Optional.empty() : Optional.of(oldConnection)));
    }

    /** Whether the connection record still accepts the token (its current or previous secret). */
    private static boolean holdsSecret(Map<String, AttributeValue> record, ResumeToken token) {
        return record != null
                && (token.secretMatches(
                                record.containsKey(RESUME_SECRET)
                                        ? record.get(RESUME_SECRET).s()
                                        : null)
                        || token.secretMatches(
                                record.containsKey(PREVIOUS_SECRET)
                                        ? record.get(PREVIOUS_SECRET).s()
                                        : null));
    }

    /** The new token reached the client: the one it resumed with is spent. */
    void tokenDelivered(String connectionId) {
        try {
            dynamo.updateItem(
                    b ->
                            b.tableName(connectionsTable)
                                    .key(connectionKey(connectionId))
                                    .updateExpression("REMOVE " + PREVIOUS_SECRET)
                                    .conditionExpression(
                                            "attribute_exists(" + CONNECTION_ID + ")"));
        } catch (ConditionalCheckFailedException e) {
            // gone meanwhile: nothing to spend
        }
    }

    /** A refusal, logged with its reason (never the token's secret). */
    private static Resumption refused(ResumeToken token, ResumeRefusal refusal, String why) {
        LOG.log(
                System.Logger.Level.INFO,
                "resume of peer {0} in {1} refused ({2}): {3}",
                token.peerId(),
                token.lobby(),
                refusal,
                why);
        return new Resumption.Refused(refusal);
    }

    /** Takes what was kept, if the peer is still on {@code connectionId}. */
    Optional<List<String>> drain(String lobby, int peerId, String connectionId) {
        try {
            Map<String, AttributeValue> old =
                    dynamo.updateItem(
                                    b ->
                                            b.tableName(lobbiesTable)
                                                    .key(lobbyKey(lobby, peerId))
                                                    .updateExpression(
                                                            "REMOVE " + KEPT + ", " + KEPT_BYTES)
                                                    .conditionExpression(
                                                            CONNECTION_ID
                                                                    + " = :conn AND attribute_not_exists("
                                                                    + LEFT_AT
                                                                    + ")")
                                                    .expressionAttributeValues(
                                                            Map.of(":conn", s(connectionId)))
                                                    .returnValues(ReturnValue.UPDATED_OLD))
                            .attributes();
            AttributeValue kept = old == null ? null : old.get(KEPT);
            return Optional.of(
                    kept == null ? List.of() : kept.l().stream().map(AttributeValue::s).toList());
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Ends the hold if nothing was kept since the last drain. */
    boolean release(String lobby, int peerId, String connectionId) {
        try {
            dynamo.updateItem(
                    b ->
                            b.tableName(lobbiesTable)
                                    .key(lobbyKey(lobby, peerId))
                                    .updateExpression("REMOVE " + HELD)
                                    .conditionExpression(
                                            CONNECTION_ID
                                                    + " = :conn AND attribute_not_exists("
                                                    + KEPT
                                                    + ") AND attribute_not_exists("
                                                    + RESUME_BY
                                                    + ")")
                                    .expressionAttributeValues(Map.of(":conn", s(connectionId))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
