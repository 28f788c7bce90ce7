package dev.godotsignal.store;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.JoinRefusal;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.lobby.Reservation;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.OrderingGate;
import dev.godotsignal.relay.RelayIntent;
import dev.godotsignal.signaling.SignalingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The store on DynamoDB. Two tables:
 * <ul>
 *   <li>connections: {@code connectionId} → ext, and once joined lobby, peerId, mesh;</li>
 *   <li>lobbies: {@code lobby} + {@code peerId}; peerId 0 is the lobby's own item (mode, sealed,
 *       peerCount, joinSeq), every other peerId a member (connectionId, ext, seq). The live-lobby
 *       counter sits at lobby {@code #live}, a name no client can ask for.</li>
 * </ul>
 * The ordering gate of each ordered pair lives on the sender's connection record (see {@link #gateOpened}),
 * so it rides on the write that admits each frame.
 * No Scan: a lobby is one Query, a member or connection one GetItem (a present member is then
 * remembered for a while, see {@link MemberCache}). Caps, unique ids and sealing are
 * conditions of the writes that admit a peer, so racing Lambdas cannot get past them.
 * Every item has {@code expiresAt} (the table's TTL attribute) and is treated as absent once past it.
 */
public final class DynamoDbSignalingStore implements SignalingStore {

    /** API Gateway closes a connection after 2 h; items outlive that by a margin and then expire. */
    static final Duration ITEM_LIFETIME = Duration.ofHours(2).plusMinutes(10);
    /** How long a departed member's tombstone keeps late relays to it from being errors. */
    static final Duration TOMBSTONE_LIFETIME = Duration.ofMinutes(2);
    private static final String LIVE_COUNTER = "#live";
    private static final int LOBBY_ITEM = 0;
    private static final int MAX_ATTEMPTS = 64;

    /** How long a member read on the relay path is reused by this environment. */
    static final Duration MEMBER_CACHE_LIFETIME = Duration.ofSeconds(30);

    private final DynamoDbClient dynamo;
    private final TableNames tables;
    private final MemberCache memberCache = new MemberCache(10_000, MEMBER_CACHE_LIFETIME);

    public DynamoDbSignalingStore(DynamoDbClient dynamo, TableNames tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    TableNames tables() {
        return tables;
    }

    @Override
    public void putConnection(String connectionId, boolean extensions, Optional<String> allowedLobby, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "connectionId", s(connectionId),
                "ext", bool(extensions),
                "connectedAt", n(now.getEpochSecond()),
                "expiresAt", n(now.plus(ITEM_LIFETIME).getEpochSecond())));
        allowedLobby.ifPresent(lobby -> item.put("allowedLobby", s(lobby)));
        dynamo.putItem(b -> b.tableName(tables.connections()).item(item));
    }

    @Override
    public Optional<Connection> connection(String connectionId, Instant now) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.connections())
                .key(connectionKey(connectionId)).consistentRead(true)).item();
        return toConnection(connectionId, item, now);
    }

    private static Optional<Connection> toConnection(String connectionId, Map<String, AttributeValue> item, Instant now) {
        if (!live(item, now) || !item.containsKey("ext")) {
            return Optional.empty();
        }
        Optional<Connection.Membership> membership = item.containsKey("lobby")
                ? Optional.of(new Connection.Membership(item.get("lobby").s(), intOf(item, "peerId"),
                        modeOf(item)))
                : Optional.empty();
        Optional<String> allowedLobby = Optional.ofNullable(item.get("allowedLobby")).map(AttributeValue::s);
        return Optional.of(new Connection(connectionId, item.get("ext").bool(), allowedLobby, membership));
    }

    /**
     * Counts the frame in its rate window ({@link Limits#rateWindow}). Counting is an atomic ADD
     * that returns the whole item, so it doubles as the read of the connection and of the pair's
     * ordering gate: one write, no read, and a connection's concurrent frames never retry.
     */
    @Override
    public MessageAdmission admitMessage(String connectionId, Limits.RateWindow rateWindow, RelayIntent relay, Instant now) {
        Map<String, AttributeValue> key = connectionKey(connectionId);
        // A description also opens the next generation of its pair's gate, in the same write.
        Optional<String> opened = relay instanceof RelayIntent.Description d ? Optional.of(gateOpened(d.to())) : Optional.empty();
        String openClause = opened.map(name -> ", #opened :one").orElse("");
        Map<String, String> names = opened.map(name -> Map.of("#opened", name)).orElse(null);
        if (!rateWindow.limited()) {
            try {
                return admitted(connectionId, dynamo.updateItem(b -> b.tableName(tables.connections()).key(key)
                        .updateExpression("ADD rlCount :one" + openClause)
                        .conditionExpression("attribute_exists(connectionId)")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(Map.of(":one", n(1)))
                        .returnValues(ReturnValue.ALL_NEW)).attributes(), relay, now);
            } catch (ConditionalCheckFailedException e) {
                return new MessageAdmission.UnknownConnection();
            }
        }
        long window = rateWindow.index();
        int burst = rateWindow.budget();
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Map<String, AttributeValue> item = dynamo.updateItem(b -> b.tableName(tables.connections()).key(key)
                        .updateExpression("ADD rlCount :one" + openClause)
                        .conditionExpression("rlWindow = :w AND rlCount < :burst")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(Map.of(":one", n(1), ":w", n(window), ":burst", n(burst)))
                        .returnValues(ReturnValue.ALL_NEW)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
                return admitted(connectionId, item, relay, now);
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> old = e.item();
                if (old == null || old.isEmpty()) {
                    return new MessageAdmission.UnknownConnection();
                }
                if (old.containsKey("rlWindow") && Long.parseLong(old.get("rlWindow").n()) == window) {
                    return toConnection(connectionId, old, now)
                            .<MessageAdmission>map(MessageAdmission.RateLimited::new)
                            .orElseGet(MessageAdmission.UnknownConnection::new); // this window's budget is spent
                }
            }
            try {
                // A new window: start its count (unless a concurrent frame just did; then count again).
                Map<String, AttributeValue> item = dynamo.updateItem(b -> b.tableName(tables.connections()).key(key)
                        .updateExpression("SET rlWindow = :w, rlCount = :one" + opened.map(name -> " ADD #opened :one").orElse(""))
                        .conditionExpression("attribute_exists(connectionId) AND (attribute_not_exists(rlWindow) OR rlWindow < :w)")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(Map.of(":one", n(1), ":w", n(window)))
                        .returnValues(ReturnValue.ALL_NEW)).attributes();
                return admitted(connectionId, item, relay, now);
            } catch (ConditionalCheckFailedException e) {
                // someone opened the window first (or the connection is gone): try again
            }
        }
        return connection(connectionId, now).<MessageAdmission>map(MessageAdmission.RateLimited::new)
                .orElseGet(MessageAdmission.UnknownConnection::new);
    }

    private MessageAdmission admitted(String connectionId, Map<String, AttributeValue> item, RelayIntent relay, Instant now) {
        OrderingGate gate;
        if (relay instanceof RelayIntent.Description d) {
            gate = new OrderingGate.Opened(Long.parseLong(item.get(gateOpened(d.to())).n()));
        } else if (relay instanceof RelayIntent.Candidate c) {
            AttributeValue opened = item.get(gateOpened(c.to()));
            gate = opened != null && opened.equals(item.get(gateDelivered(c.to())))
                    ? new OrderingGate.Clear() : new OrderingGate.Closed();
        } else {
            gate = new OrderingGate.NotRelayed();
        }
        return toConnection(connectionId, item, now)
                .<MessageAdmission>map(connection -> new MessageAdmission.Admitted(connection, gate))
                .orElseGet(MessageAdmission.UnknownConnection::new);
    }

    @Override
    public JoinOutcome createLobby(Connection creator, LobbyMode mode, Supplier<String> names, int maxLobbies, Instant now) {
        long expires = now.plus(ITEM_LIFETIME).getEpochSecond();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String name = names.get();
            Map<String, AttributeValue> lobbyItem = new HashMap<>(lobbyKey(name, LOBBY_ITEM));
            lobbyItem.putAll(Map.of(
                    "mesh", bool(mode.isMesh()), "sealed", bool(false), "peerCount", n(1), "joinSeq", n(1),
                    "createdAt", n(now.getEpochSecond()), "expiresAt", n(expires)));
            List<TransactWriteItem> writes = List.of(
                    put(Put.builder().tableName(tables.lobbies()).item(lobbyItem)
                            .conditionExpression("attribute_not_exists(lobby)").build()),
                    update(Update.builder().tableName(tables.lobbies()).key(lobbyKey(LIVE_COUNTER, LOBBY_ITEM))
                            .updateExpression("SET liveLobbies = if_not_exists(liveLobbies, :zero) + :one, expiresAt = :exp")
                            .conditionExpression("attribute_not_exists(liveLobbies) OR liveLobbies < :max")
                            .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":max", n(maxLobbies),
                                    ":exp", n(now.plus(ITEM_LIFETIME.multipliedBy(2)).getEpochSecond())))
                            .build()),
                    put(memberPut(name, PeerIds.HOST, creator, 1, now)),
                    update(membershipUpdate(creator.connectionId(), name, PeerIds.HOST, mode, now)));
            try {
                dynamo.transactWriteItems(b -> b.transactItems(writes));
                return new JoinOutcome.Joined(name, PeerIds.HOST, mode, List.of());
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (failed(reasons, 3)) {
                    return alreadyJoinedOrGone(reasons.get(3), now);
                }
                if (failed(reasons, 1)) {
                    return new JoinOutcome.Refused(JoinRefusal.TOO_MANY_LOBBIES);
                }
                // A name collision (reason 0 or 2) or a conflicting transaction: try again.
                backOff(attempt);
            }
        }
        throw new IllegalStateException("could not create a lobby after " + MAX_ATTEMPTS + " attempts");
    }

    /** How long a reserved, not yet admitted id stays taken if its join never completes. */
    static final Duration RESERVATION_LIFETIME = Duration.ofMinutes(2);

    @Override
    public Reservation reservePeerId(Connection joiner, String lobby, IntSupplier peerIds, int maxPeers, Instant now) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> meta = lobbyItem(lobby, LOBBY_ITEM);
            Optional<JoinRefusal> refused = refusal(meta, maxPeers, now);
            if (refused.isPresent()) {
                return new Reservation.Refused(refused.get());
            }
            int peerId = peerIds.getAsInt();
            Map<String, AttributeValue> item = new HashMap<>(lobbyKey(lobby, peerId));
            item.putAll(Map.of("connectionId", s(joiner.connectionId()), "ext", bool(joiner.extensions()),
                    "pending", bool(true), "expiresAt", n(now.plus(RESERVATION_LIFETIME).getEpochSecond())));
            try {
                dynamo.putItem(b -> b.tableName(tables.lobbies()).item(item).conditionExpression("attribute_not_exists(lobby)"));
                return new Reservation.Reserved(lobby, peerId, modeOf(meta));
            } catch (ConditionalCheckFailedException e) {
                // The id is taken in this lobby: draw another.
            }
        }
        throw new IllegalStateException("could not reserve an id after " + MAX_ATTEMPTS + " attempts");
    }

    @Override
    public JoinOutcome admit(Connection joiner, String lobby, int peerId, int maxPeers, Instant now) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> meta = lobbyItem(lobby, LOBBY_ITEM);
            Optional<JoinRefusal> refused = refusal(meta, maxPeers, now);
            if (refused.isPresent()) {
                releaseReservation(lobby, peerId, joiner.connectionId());
                return new JoinOutcome.Refused(refused.get());
            }
            LobbyMode mode = modeOf(meta);
            long seq = Long.parseLong(meta.get("joinSeq").n());
            long next = seq + 1;
            List<TransactWriteItem> writes = List.of(
                    // joinSeq = :seq: nobody was admitted since our read, so our seq is the next one.
                    update(Update.builder().tableName(tables.lobbies()).key(lobbyKey(lobby, LOBBY_ITEM))
                            .updateExpression("SET peerCount = peerCount + :one, joinSeq = :next")
                            .conditionExpression("joinSeq = :seq AND sealed = :false AND peerCount < :max AND expiresAt > :now")
                            .expressionAttributeValues(Map.of(":one", n(1), ":next", n(next), ":seq", n(seq),
                                    ":false", bool(false), ":max", n(maxPeers), ":now", n(now.getEpochSecond())))
                            .build()),
                    update(Update.builder().tableName(tables.lobbies()).key(lobbyKey(lobby, peerId))
                            .updateExpression("SET seq = :next, joinedAt = :now, expiresAt = :exp REMOVE pending")
                            .conditionExpression("pending = :true AND connectionId = :conn")
                            .expressionAttributeValues(Map.of(":next", n(next), ":now", n(now.getEpochSecond()),
                                    ":exp", n(now.plus(ITEM_LIFETIME).getEpochSecond()), ":true", bool(true),
                                    ":conn", s(joiner.connectionId())))
                            .build()),
                    update(membershipUpdate(joiner.connectionId(), lobby, peerId, mode, now)));
            try {
                dynamo.transactWriteItems(b -> b.transactItems(writes));
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (failed(reasons, 2)) {
                    releaseReservation(lobby, peerId, joiner.connectionId());
                    return alreadyJoinedOrGone(reasons.get(2), now);
                }
                if (failed(reasons, 1)) {
                    return new JoinOutcome.NotConnected(); // the reservation expired: the joiner took too long
                }
                // The lobby changed under us (another join, a seal) or a conflict: read again and retry;
                // the re-read tells a sealed or full lobby apart.
                backOff(attempt);
                continue;
            }
            List<Member> earlier = query(lobby, now).members().stream()
                    .filter(m -> m.seq() < next)
                    .toList();
            return new JoinOutcome.Joined(lobby, peerId, mode, earlier);
        }
        throw new IllegalStateException("could not join lobby after " + MAX_ATTEMPTS + " attempts");
    }

    private static Optional<JoinRefusal> refusal(Map<String, AttributeValue> meta, int maxPeers, Instant now) {
        if (!live(meta, now) || !meta.containsKey("mesh")) {
            return Optional.of(JoinRefusal.LOBBY_NOT_FOUND);
        }
        if (meta.get("sealed").bool()) {
            return Optional.of(JoinRefusal.LOBBY_SEALED);
        }
        if (intOf(meta, "peerCount") >= maxPeers) {
            return Optional.of(JoinRefusal.LOBBY_FULL);
        }
        return Optional.empty();
    }

    private void releaseReservation(String lobby, int peerId, String connectionId) {
        try {
            dynamo.deleteItem(b -> b.tableName(tables.lobbies()).key(lobbyKey(lobby, peerId))
                    .conditionExpression("pending = :true AND connectionId = :conn")
                    .expressionAttributeValues(Map.of(":true", bool(true), ":conn", s(connectionId))));
        } catch (ConditionalCheckFailedException e) {
            // already admitted or gone
        }
    }

    @Override
    public MemberLookup member(String lobby, int peerId, Instant now) {
        Optional<Member> remembered = memberCache.get(lobby, peerId, now);
        if (remembered.isPresent()) {
            return new MemberLookup.Present(remembered.get());
        }
        Map<String, AttributeValue> item = lobbyItem(lobby, peerId);
        if (!live(item, now) || !item.containsKey("connectionId") || item.containsKey("pending")) {
            return new MemberLookup.Unknown();
        }
        if (item.containsKey("leftAt")) {
            return new MemberLookup.RecentlyLeft();
        }
        Member member = member(item);
        memberCache.put(lobby, member, now);
        return new MemberLookup.Present(member);
    }

    // The gate of the pair (this connection -> peer `to`): the generation of the latest description
    // (opened by its admission), the generation delivered, and the candidates held meanwhile. Held
    // candidates live only between a description's admission and its delivery, so the record stays small.

    private static String gateOpened(int to) {
        return "gateOpened" + to;
    }

    private static String gateDelivered(int to) {
        return "gateDelivered" + to;
    }

    private static String gateHeld(int to) {
        return "gateHeld" + to;
    }

    @Override
    public List<String> descriptionDelivered(String connectionId, int to, long generation) {
        try {
            Map<String, AttributeValue> old = dynamo.updateItem(b -> b.tableName(tables.connections())
                    .key(connectionKey(connectionId))
                    .updateExpression("SET #delivered = :g REMOVE #held")
                    .conditionExpression("#opened = :g")
                    .expressionAttributeNames(Map.of("#delivered", gateDelivered(to), "#held", gateHeld(to),
                            "#opened", gateOpened(to)))
                    .expressionAttributeValues(Map.of(":g", n(generation)))
                    .returnValues(ReturnValue.UPDATED_OLD)).attributes();
            AttributeValue held = old == null ? null : old.get(gateHeld(to));
            return held == null ? List.of() : held.l().stream().map(AttributeValue::s).toList();
        } catch (ConditionalCheckFailedException e) {
            return List.of(); // a newer description opened (its delivery releases them), or the sender is gone
        }
    }

    @Override
    public boolean holdCandidate(String connectionId, int to, String data) {
        try {
            dynamo.updateItem(b -> b.tableName(tables.connections())
                    .key(connectionKey(connectionId))
                    .updateExpression("SET #held = list_append(if_not_exists(#held, :empty), :c)")
                    .conditionExpression("attribute_exists(connectionId) AND "
                            + "(attribute_not_exists(#delivered) OR #delivered <> #opened)")
                    .expressionAttributeNames(Map.of("#held", gateHeld(to), "#delivered", gateDelivered(to),
                            "#opened", gateOpened(to)))
                    .expressionAttributeValues(Map.of(":empty", AttributeValue.fromL(List.of()),
                            ":c", AttributeValue.fromL(List.of(s(data))))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false; // delivered meanwhile (or the sender is gone): the candidate may go
        }
    }

    @Override
    public Optional<Lobby> lobby(String lobby, Instant now) {
        LobbyQuery result = query(lobby, now);
        return result.meta().map(meta -> new Lobby(lobby, modeOf(meta), meta.get("sealed").bool(), result.members()));
    }

    @Override
    public Optional<Lobby> seal(String lobby, Instant now) {
        try {
            dynamo.updateItem(b -> b.tableName(tables.lobbies()).key(lobbyKey(lobby, LOBBY_ITEM))
                    .updateExpression("SET sealed = :true")
                    .conditionExpression("attribute_exists(mesh) AND expiresAt > :now")
                    .expressionAttributeValues(Map.of(":true", bool(true), ":now", n(now.getEpochSecond()))));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
        LobbyQuery result = query(lobby, now);
        return result.meta().map(meta -> new Lobby(lobby, modeOf(meta), true, result.members()));
    }

    @Override
    public LeaveOutcome removeConnection(String connectionId, Instant now) {
        memberCache.forgetConnection(connectionId);
        Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(tables.connections())
                .key(connectionKey(connectionId)).returnValues(ReturnValue.ALL_OLD)).attributes();
        if (old == null || !old.containsKey("lobby")) {
            return new LeaveOutcome.NotInLobby();
        }
        String lobby = old.get("lobby").s();
        int peerId = intOf(old, "peerId");
        LobbyMode mode = modeOf(old);
        return peerId == PeerIds.HOST
                ? destroyLobby(lobby, mode, now)
                : leaveLobby(lobby, peerId, connectionId, mode, now);
    }

    /** The host left: delete the lobby item first, so no join can commit, then every member. */
    private LeaveOutcome destroyLobby(String lobby, LobbyMode mode, Instant now) {
        memberCache.forgetLobby(lobby);
        Map<String, AttributeValue> meta = dynamo.deleteItem(b -> b.tableName(tables.lobbies())
                .key(lobbyKey(lobby, LOBBY_ITEM)).returnValues(ReturnValue.ALL_OLD)).attributes();
        boolean existed = meta != null && meta.containsKey("mesh");
        if (existed) {
            try {
                dynamo.updateItem(b -> b.tableName(tables.lobbies()).key(lobbyKey(LIVE_COUNTER, LOBBY_ITEM))
                        .updateExpression("ADD liveLobbies :minusOne")
                        .conditionExpression("liveLobbies > :zero")
                        .expressionAttributeValues(Map.of(":minusOne", n(-1), ":zero", n(0))));
            } catch (ConditionalCheckFailedException e) {
                // Already zero (the counter expired and restarted): nothing to give back.
            }
        }
        List<Map<String, AttributeValue>> items = queryItems(lobby);
        List<Member> remaining = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            int id = intOf(item, "peerId");
            if (id == LOBBY_ITEM) {
                continue;
            }
            if (id != PeerIds.HOST && live(item, now) && !item.containsKey("leftAt") && !item.containsKey("pending")) {
                remaining.add(member(item));
            }
            dynamo.deleteItem(b -> b.tableName(tables.lobbies()).key(lobbyKey(lobby, id)));
        }
        boolean sealed = existed && meta.get("sealed").bool();
        return new LeaveOutcome.Left(lobby, PeerIds.HOST, mode, sealed, true, remaining);
    }

    /** A guest left: its member item becomes a short-lived tombstone and the count goes down, atomically. */
    private LeaveOutcome leaveLobby(String lobby, int peerId, String connectionId, LobbyMode mode, Instant now) {
        List<TransactWriteItem> writes = List.of(
                update(Update.builder().tableName(tables.lobbies()).key(lobbyKey(lobby, peerId))
                        .updateExpression("SET leftAt = :now, expiresAt = :tomb")
                        .conditionExpression("connectionId = :conn AND attribute_not_exists(leftAt)")
                        .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()), ":conn", s(connectionId),
                                ":tomb", n(now.plus(TOMBSTONE_LIFETIME).getEpochSecond())))
                        .build()),
                update(Update.builder().tableName(tables.lobbies()).key(lobbyKey(lobby, LOBBY_ITEM))
                        .updateExpression("ADD peerCount :minusOne")
                        .conditionExpression("attribute_exists(mesh)")
                        .expressionAttributeValues(Map.of(":minusOne", n(-1)))
                        .build()));
        for (int attempt = 0; ; attempt++) {
            try {
                dynamo.transactWriteItems(b -> b.transactItems(writes));
                break;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (failed(reasons, 0)) {
                    return new LeaveOutcome.NotInLobby(); // someone already processed this departure
                }
                if (failed(reasons, 1)) {
                    // The lobby is gone (its host left and closed everyone): just drop our member item.
                    dynamo.deleteItem(b -> b.tableName(tables.lobbies()).key(lobbyKey(lobby, peerId)));
                    return new LeaveOutcome.Left(lobby, peerId, mode, false, true, List.of());
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                backOff(attempt);
            }
        }
        LobbyQuery result = query(lobby, now);
        boolean sealed = result.meta().map(meta -> meta.get("sealed").bool()).orElse(false);
        return new LeaveOutcome.Left(lobby, peerId, mode, sealed, result.meta().isEmpty(), result.members());
    }

    private record LobbyQuery(Optional<Map<String, AttributeValue>> meta, List<Member> members) {
    }

    /** The lobby item and its present members, in join order (one strongly consistent Query). */
    private LobbyQuery query(String lobby, Instant now) {
        Optional<Map<String, AttributeValue>> meta = Optional.empty();
        List<Member> members = new ArrayList<>();
        for (Map<String, AttributeValue> item : queryItems(lobby)) {
            if (!live(item, now)) {
                continue;
            }
            if (intOf(item, "peerId") == LOBBY_ITEM) {
                meta = Optional.of(item);
            } else if (!item.containsKey("leftAt") && !item.containsKey("pending")) {
                members.add(member(item));
            }
        }
        members.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return new LobbyQuery(meta, members);
    }

    private List<Map<String, AttributeValue>> queryItems(String lobby) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder().tableName(tables.lobbies())
                    .keyConditionExpression("lobby = :lobby")
                    .expressionAttributeValues(Map.of(":lobby", s(lobby)))
                    .consistentRead(true);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(request.build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private Put memberPut(String lobby, int peerId, Connection connection, long seq, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(lobbyKey(lobby, peerId));
        item.putAll(Map.of(
                "connectionId", s(connection.connectionId()), "ext", bool(connection.extensions()),
                "seq", n(seq), "joinedAt", n(now.getEpochSecond()),
                "expiresAt", n(now.plus(ITEM_LIFETIME).getEpochSecond())));
        return Put.builder().tableName(tables.lobbies()).item(item)
                .conditionExpression("attribute_not_exists(lobby)").build();
    }

    /** Records the membership on the connection, only if it is live and not in a lobby yet. */
    private Update membershipUpdate(String connectionId, String lobby, int peerId, LobbyMode mode, Instant now) {
        return Update.builder().tableName(tables.connections()).key(connectionKey(connectionId))
                .updateExpression("SET lobby = :lobby, peerId = :peer, mesh = :mesh")
                .conditionExpression("attribute_exists(connectionId) AND attribute_not_exists(lobby) AND expiresAt > :now")
                .expressionAttributeValues(Map.of(":lobby", s(lobby), ":peer", n(peerId), ":mesh", bool(mode.isMesh()),
                        ":now", n(now.getEpochSecond())))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static JoinOutcome alreadyJoinedOrGone(CancellationReason reason, Instant now) {
        Map<String, AttributeValue> old = reason.item();
        return live(old, now) ? new JoinOutcome.Refused(JoinRefusal.ALREADY_IN_LOBBY) : new JoinOutcome.NotConnected();
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /** Full jitter: racing joiners spread out instead of colliding again in lockstep. */
    private static void backOff(int attempt) {
        long cap = Math.min(200, 5L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying", e);
        }
    }

    private static Member member(Map<String, AttributeValue> item) {
        return new Member(intOf(item, "peerId"), item.get("connectionId").s(), item.get("ext").bool(),
                Long.parseLong(item.get("seq").n()));
    }

    /** The mode recorded on a lobby's item or on a joined connection's item. */
    private static LobbyMode modeOf(Map<String, AttributeValue> item) {
        return item.get("mesh").bool() ? LobbyMode.MESH : LobbyMode.CLIENT_SERVER;
    }

    private static boolean live(Map<String, AttributeValue> item, Instant now) {
        return item != null && !item.isEmpty() && item.containsKey("expiresAt")
                && Long.parseLong(item.get("expiresAt").n()) > now.getEpochSecond();
    }

    /** One item of the lobbies table (a lobby's own item or a member), strongly consistent. */
    private Map<String, AttributeValue> lobbyItem(String lobby, int peerId) {
        return dynamo.getItem(b -> b.tableName(tables.lobbies()).key(lobbyKey(lobby, peerId)).consistentRead(true)).item();
    }

    private static Map<String, AttributeValue> connectionKey(String connectionId) {
        return Map.of("connectionId", s(connectionId));
    }

    private static Map<String, AttributeValue> lobbyKey(String lobby, int peerId) {
        return Map.of("lobby", s(lobby), "peerId", n(peerId));
    }

    private static TransactWriteItem put(Put put) {
        return TransactWriteItem.builder().put(put).build();
    }

    private static TransactWriteItem update(Update update) {
        return TransactWriteItem.builder().update(update).build();
    }

    private static int intOf(Map<String, AttributeValue> item, String name) {
        return Integer.parseInt(item.get(name).n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }
}
