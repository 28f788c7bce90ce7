package dev.godotsignal.store;

import static dev.godotsignal.store.Items.CONNECTION_ID;
import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.HELD;
import static dev.godotsignal.store.Items.KEPT;
import static dev.godotsignal.store.Items.KEPT_BYTES;
import static dev.godotsignal.store.Items.LEFT_AT;
import static dev.godotsignal.store.Items.LIVE_COUNTER;
import static dev.godotsignal.store.Items.LIVE_LOBBIES;
import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.LOBBY_ITEM;
import static dev.godotsignal.store.Items.MESH;
import static dev.godotsignal.store.Items.PEER_COUNT;
import static dev.godotsignal.store.Items.PEER_ID;
import static dev.godotsignal.store.Items.PENDING;
import static dev.godotsignal.store.Items.RESUME_BY;
import static dev.godotsignal.store.Items.SEALED;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.expiry;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.live;
import static dev.godotsignal.store.Items.lobbyKey;
import static dev.godotsignal.store.Items.modeOf;
import static dev.godotsignal.store.Items.n;
import static dev.godotsignal.store.Items.s;

import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.PeerIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The lobbies table: look up a member or a lobby, seal, leave and destroy ({@link LobbyJoins}
 * writes the joins). No Scan: a lobby is one Query, a member one GetItem (then remembered a while,
 * see {@link MemberCache}).
 */
final class LobbyTable {
    private enum LeaveSlot {
        MEMBER,
        LOBBY_ITEM
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final StoreTuning tuning;
    private final MemberCache memberCache;

    private final Listing listing;

    LobbyTable(DynamoDbClient dynamo, String table, StoreTuning tuning, Listing listing) {
        this.dynamo = dynamo;
        this.table = table;
        this.tuning = tuning;
        this.listing = listing;
        this.memberCache = new MemberCache(tuning.memberCacheSize(), tuning.memberCacheLifetime());
    }

    MemberLookup member(String lobby, int peerId, Instant now) {
        Optional<Member> remembered = memberCache.get(lobby, peerId, now);
        if (remembered.isPresent()) {
            return new MemberLookup.Present(remembered.get());
        }
        // An eventually consistent read first, at half the price: trusted only when it shows a
        // present member, which is what a remembered member is trusted for too (a stale one costs a
        // frame posted to a closed connection, answered 410 and cleaned up). Anything else (a
        // member not visible yet, pending, held or gone) is read again, strongly consistent.
        MemberLookup seen = lookup(lobby, item(lobby, peerId, false), now);
        return seen instanceof MemberLookup.Present
                ? seen
                : lookup(lobby, item(lobby, peerId), now);
    }

    /** What a member's item says; a present member is remembered. */
    private MemberLookup lookup(String lobby, Map<String, AttributeValue> item, Instant now) {
        if (!live(item, now) || !item.containsKey(CONNECTION_ID) || item.containsKey(PENDING)) {
            return new MemberLookup.Unknown();
        }
        if (item.containsKey(LEFT_AT)) {
            return new MemberLookup.RecentlyLeft();
        }
        if (item.containsKey(HELD)) {
            return new MemberLookup.Held(Items.member(item)); // not remembered: it changes soon
        }
        Member member = Items.member(item);
        memberCache.put(lobby, member, now);
        return new MemberLookup.Present(member);
    }

    /** A member this environment just admitted: present, as a read would show it. */
    void remember(String lobby, Member member, Instant now) {
        memberCache.put(lobby, member, now);
    }

    /** This environment's remembered members: a suspension or a resume changes one. */
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
                                    .updateExpression(
                                            "SET " + SEALED + " = :true REMOVE " + Listing.UNLIST)
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
     * atomically. In a sealed lobby, or one whose host has left, the count no longer matters: the
     * member item alone is written, after a read of the lobby's item. That read is a fifth of the
     * price of the transaction, which at a seal's close every guest leaving at the same moment
     * would race for (most of them cancelled, and billed).
     */
    LeaveOutcome leave(String lobby, int peerId, String connectionId, LobbyMode mode, Instant now) {
        Map<String, AttributeValue> meta = item(lobby, LOBBY_ITEM);
        if (meta == null || !meta.containsKey(MESH)) {
            return leftDestroyed(lobby, peerId, mode);
        }
        if (meta.get(SEALED).bool()) {
            try {
                Update tombstone = tombstone(lobby, peerId, connectionId, now);
                dynamo.updateItem(
                        b ->
                                b.tableName(table)
                                        .key(tombstone.key())
                                        .updateExpression(tombstone.updateExpression())
                                        .conditionExpression(tombstone.conditionExpression())
                                        .expressionAttributeValues(
                                                tombstone.expressionAttributeValues()));
            } catch (ConditionalCheckFailedException e) {
                return new LeaveOutcome.NotInLobby(); // someone already processed this departure
            }
            // Nobody is told of a leave after SEAL: the peers keep their WebRTC links.
            return new LeaveOutcome.Left(lobby, peerId, mode, true, false, List.of());
        }
        for (int attempt = 0; ; attempt++) {
            Transaction.Outcome<LeaveSlot> outcome =
                    new Transaction<LeaveSlot>()
                            .update(LeaveSlot.MEMBER, tombstone(lobby, peerId, connectionId, now))
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
                return leftDestroyed(lobby, peerId, mode);
            }
            if (attempt >= tuning.maxAttempts()) {
                throw new IllegalStateException(
                        "could not leave lobby after " + tuning.maxAttempts() + " attempts");
            }
            Backoff.pause(attempt);
        }
        LobbyQuery result = query(lobby, now);
        if (result.meta().filter(m -> Listing.open(m) && !Listing.listed(m)).isPresent()) {
            listing.relist(lobby, now); // a full public lobby has room again
        }
        boolean sealed = result.meta().map(m -> m.get(SEALED).bool()).orElse(false);
        return new LeaveOutcome.Left(
                lobby, peerId, mode, sealed, result.meta().isEmpty(), result.members());
    }

    /** The lobby is gone (its host left and closed everyone): just drop our member item. */
    private LeaveOutcome leftDestroyed(String lobby, int peerId, LobbyMode mode) {
        dynamo.deleteItem(b -> b.tableName(table).key(lobbyKey(lobby, peerId)));
        return new LeaveOutcome.Left(lobby, peerId, mode, false, true, List.of());
    }

    /** The member item becomes a short-lived tombstone, once, and only for its own connection. */
    private Update tombstone(String lobby, int peerId, String connectionId, Instant now) {
        return Update.builder()
                .tableName(table)
                .key(lobbyKey(lobby, peerId))
                .updateExpression(
                        "SET "
                                + LEFT_AT
                                + " = :now, "
                                + EXPIRES_AT
                                + " = :tomb REMOVE "
                                + String.join(", ", HELD, RESUME_BY, KEPT, KEPT_BYTES))
                .conditionExpression(
                        CONNECTION_ID + " = :conn AND attribute_not_exists(" + LEFT_AT + ")")
                .expressionAttributeValues(
                        Map.of(
                                ":now",
                                n(now.getEpochSecond()),
                                ":conn",
                                s(connectionId),
                                ":tomb",
                                expiry(now, tuning.tombstoneLifetime())))
                .build();
    }

    record LobbyQuery(Optional<Map<String, AttributeValue>> meta, List<Member> members) {}

    /**
     * The present members admitted before join number {@code seq}: the peers a newly admitted
     * joiner is introduced to (one Query).
     */
    List<Member> membersBefore(String lobby, long seq, Instant now) {
        return query(lobby, now).members().stream().filter(m -> m.seq() < seq).toList();
    }

    /**
     * The lobby item and its present members, in join order (one strongly consistent Query); the
     * members not held for a resume are remembered as {@link #member} remembers them.
     */
    LobbyQuery query(String lobby, Instant now) {
        Optional<Map<String, AttributeValue>> meta = Optional.empty();
        List<Member> members = new ArrayList<>();
        for (Map<String, AttributeValue> item : queryItems(lobby)) {
            if (!live(item, now)) {
                continue;
            }
            if (intOf(item, PEER_ID) == LOBBY_ITEM) {
                meta = Optional.of(item);
            } else if (!item.containsKey(LEFT_AT) && !item.containsKey(PENDING)) {
                Member member = Items.member(item);
                members.add(member);
                if (!item.containsKey(HELD)) {
                    // Read as the relay path reads a destination (and fresher): remembered the same
                    // way, so this environment's next relays to the lobby skip that read.
                    memberCache.put(lobby, member, now);
                }
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

    /** One item (a lobby's own item or a member), strongly consistent. */
    Map<String, AttributeValue> item(String lobby, int peerId) {
        return item(lobby, peerId, true);
    }

    private Map<String, AttributeValue> item(String lobby, int peerId, boolean consistent) {
        return dynamo.getItem(
                        b ->
                                b.tableName(table)
                                        .key(lobbyKey(lobby, peerId))
                                        .consistentRead(consistent))
                .item();
    }
}
