package dev.godotsignal.store;

import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.JOIN_SEQ;
import static dev.godotsignal.store.Items.LOBBY_ITEM;
import static dev.godotsignal.store.Items.MAX_PEERS;
import static dev.godotsignal.store.Items.PEER_COUNT;
import static dev.godotsignal.store.Items.POOL;
import static dev.godotsignal.store.Items.PUBLIC;
import static dev.godotsignal.store.Items.SEALED;
import static dev.godotsignal.store.Items.SEATS;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.expiry;
import static dev.godotsignal.store.Items.intOf;
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
import dev.godotsignal.lobby.Reservation;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Quick match's way into a lobby. A plain join reserves an id and counts the peer only when it is
 * admitted, so a matcher racing others for the oldest lobby could be told its ID and then find the
 * lobby full. A seat is counted when it is held (one conditional write on the lobby item, which
 * also takes the lobby out of the lists when it fills it), so admission cannot fail for room. A
 * seat whose matcher never came is given back by the next matcher that finds the lobby full.
 */
final class MatchSeats {
    private enum AdmitSlot {
        LOBBY_ITEM,
        MEMBER,
        MEMBERSHIP
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final ConnectionTable connections;
    private final LobbyTable lobbies;
    private final LobbyJoins joins;
    private final Listing listing;
    private final StoreTuning tuning;

    MatchSeats(
            DynamoDbClient dynamo,
            String table,
            ConnectionTable connections,
            LobbyTable lobbies,
            LobbyJoins joins,
            Listing listing,
            StoreTuning tuning) {
        this.dynamo = dynamo;
        this.table = table;
        this.connections = connections;
        this.lobbies = lobbies;
        this.joins = joins;
        this.listing = listing;
        this.tuning = tuning;
    }

    /** A seat in {@code lobby}, if it is still public and in the pool {@code poolKey}. */
    Reservation hold(
            Connection joiner, String lobby, String poolKey, IntSupplier peerIds, Instant now) {
        for (int attempt = 0; attempt < tuning.maxAttempts(); attempt++) {
            Map<String, AttributeValue> meta = lobbies.item(lobby, LOBBY_ITEM);
            Optional<JoinRefusal> refused = LobbyJoins.refusal(meta, now);
            if (refused.equals(Optional.of(JoinRefusal.LOBBY_FULL))
                    && reclaimExpiredSeats(lobby, meta, now)) {
                continue;
            }
            if (refused.isPresent()) {
                return new Reservation.Refused(refused.get());
            }
            if (!meta.get(PUBLIC).bool() || !meta.get(POOL).s().equals(poolKey)) {
                return new Reservation.Refused(JoinRefusal.LOBBY_NOT_FOUND); // not for matchers
            }
            int count = intOf(meta, PEER_COUNT);
            boolean fills = count + 1 >= intOf(meta, MAX_PEERS);
            int peerId = peerIds.getAsInt();
            try {
                dynamo.updateItem(
                        b ->
                                b.tableName(table)
                                        .key(lobbyKey(lobby, LOBBY_ITEM))
                                        .updateExpression(
                                                "SET "
                                                        + SEATS
                                                        + ".#id = :seatExpiry, "
                                                        + PEER_COUNT
                                                        + " = :count + :one"
                                                        + (fills
                                                                ? " REMOVE " + Listing.UNLIST
                                                                : ""))
                                        .conditionExpression(
                                                PEER_COUNT
                                                        + " = :count AND "
                                                        + SEALED
                                                        + " = :false AND "
                                                        + PUBLIC
                                                        + " = :true AND "
                                                        + POOL
                                                        + " = :pool AND "
                                                        + EXPIRES_AT
                                                        + " > :now AND attribute_not_exists("
                                                        + SEATS
                                                        + ".#id)")
                                        .expressionAttributeNames(
                                                Map.of("#id", Integer.toString(peerId)))
                                        .expressionAttributeValues(
                                                Map.of(
                                                        ":seatExpiry",
                                                        expiry(now, tuning.reservationLifetime()),
                                                        ":count",
                                                        n(count),
                                                        ":one",
                                                        n(1),
                                                        ":false",
                                                        bool(false),
                                                        ":true",
                                                        bool(true),
                                                        ":pool",
                                                        s(poolKey),
                                                        ":now",
                                                        n(now.getEpochSecond()))));
                return new Reservation.Reserved(lobby, peerId, modeOf(meta));
            } catch (ConditionalCheckFailedException e) {
                Backoff.pause(attempt); // the lobby changed since the read: read it again
            }
        }
        return new Reservation.Refused(JoinRefusal.LOBBY_FULL); // too contended: try elsewhere
    }

    JoinOutcome admit(Connection joiner, String lobby, int peerId, Instant now) {
        for (int attempt = 0; attempt < tuning.maxAttempts(); attempt++) {
            Map<String, AttributeValue> meta = lobbies.item(lobby, LOBBY_ITEM);
            Optional<JoinRefusal> refused = LobbyJoins.refusal(meta, now);
            if (refused.isPresent() && refused.get() != JoinRefusal.LOBBY_FULL) {
                release(lobby, peerId, now);
                return new JoinOutcome.Refused(refused.get());
            }
            if (!meta.get(SEATS).m().containsKey(Integer.toString(peerId))) {
                return new JoinOutcome.Refused(JoinRefusal.LOBBY_FULL); // the seat expired
            }
            LobbyMode mode = modeOf(meta);
            long seq = longOf(meta, JOIN_SEQ);
            long next = seq + 1;
            Transaction.Outcome<AdmitSlot> outcome =
                    new Transaction<AdmitSlot>()
                            .update(
                                    AdmitSlot.LOBBY_ITEM,
                                    Update.builder()
                                            .tableName(table)
                                            .key(lobbyKey(lobby, LOBBY_ITEM))
                                            .updateExpression(
                                                    "SET "
                                                            + JOIN_SEQ
                                                            + " = :next REMOVE "
                                                            + SEATS
                                                            + ".#id")
                                            .conditionExpression(
                                                    JOIN_SEQ
                                                            + " = :seq AND "
                                                            + SEALED
                                                            + " = :false AND "
                                                            + EXPIRES_AT
                                                            + " > :now AND attribute_exists("
                                                            + SEATS
                                                            + ".#id)")
                                            .expressionAttributeNames(
                                                    Map.of("#id", Integer.toString(peerId)))
                                            .expressionAttributeValues(
                                                    Map.of(
                                                            ":next",
                                                            n(next),
                                                            ":seq",
                                                            n(seq),
                                                            ":false",
                                                            bool(false),
                                                            ":now",
                                                            n(now.getEpochSecond())))
                                            .build())
                            .put(
                                    AdmitSlot.MEMBER,
                                    joins.memberPut(lobby, peerId, joiner, next, now))
                            .update(
                                    AdmitSlot.MEMBERSHIP,
                                    connections.membershipUpdate(
                                            joiner.connectionId(), lobby, peerId, mode, now))
                            .run(dynamo);
            if (outcome.committed()) {
                List<Member> earlier = lobbies.membersBefore(lobby, next, now);
                return new JoinOutcome.Joined(
                        lobby,
                        peerId,
                        mode,
                        earlier,
                        LobbyDirectoryTable.toldOnJoin(meta, intOf(meta, PEER_COUNT)));
            }
            if (outcome.failed(AdmitSlot.MEMBERSHIP)) {
                release(lobby, peerId, now);
                return LobbyJoins.alreadyJoinedOrGone(outcome.itemOf(AdmitSlot.MEMBERSHIP), now);
            }
            if (outcome.failed(AdmitSlot.MEMBER)) {
                release(lobby, peerId, now); // a departed peer's tombstone holds this id
                return new JoinOutcome.Refused(JoinRefusal.LOBBY_FULL);
            }
            Backoff.pause(attempt); // another admission, or a seal: read again
        }
        throw new IllegalStateException(
                "could not admit to a seat after " + tuning.maxAttempts() + " attempts");
    }

    /** Gives a held seat back (counted out, and the lobby listed again if that opens it). */
    void release(String lobby, int peerId, Instant now) {
        if (giveBack(lobby, Integer.toString(peerId), Optional.empty())) {
            listing.relist(lobby, now);
        }
    }

    /** Gives back the seats whose matchers never came; true if any was. */
    private boolean reclaimExpiredSeats(
            String lobby, Map<String, AttributeValue> meta, Instant now) {
        boolean any = false;
        for (Map.Entry<String, AttributeValue> seat : meta.get(SEATS).m().entrySet()) {
            if (Long.parseLong(seat.getValue().n()) <= now.getEpochSecond()) {
                any |= giveBack(lobby, seat.getKey(), Optional.of(seat.getValue()));
            }
        }
        if (any) {
            listing.relist(lobby, now);
        }
        return any;
    }

    private boolean giveBack(String lobby, String seat, Optional<AttributeValue> expiry) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", n(1)));
        expiry.ifPresent(e -> values.put(":expiry", e));
        try {
            dynamo.updateItem(
                    b ->
                            b.tableName(table)
                                    .key(lobbyKey(lobby, LOBBY_ITEM))
                                    .updateExpression(
                                            "SET "
                                                    + PEER_COUNT
                                                    + " = "
                                                    + PEER_COUNT
                                                    + " - :one REMOVE "
                                                    + SEATS
                                                    + ".#id")
                                    .conditionExpression(
                                            expiry.isPresent()
                                                    ? SEATS + ".#id = :expiry"
                                                    : "attribute_exists(" + SEATS + ".#id)")
                                    .expressionAttributeNames(Map.of("#id", seat))
                                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false; // admitted or given back already
        }
    }
}
