package dev.godotsignal.store;

import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.Member;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB schema in one place: attribute names, keys, value codecs and expiry. Two tables:
 *
 * <ul>
 *   <li>connections: {@value #CONNECTION_ID} → {@value #EXT}, and once joined {@value #LOBBY},
 *       {@value #PEER_ID}, {@value #MESH}; the rate window and the ordering gates of its pairs;
 *   <li>lobbies: {@value #LOBBY} (the lobby's key, see {@link dev.godotsignal.lobby.Games}) +
 *       {@value #PEER_ID}; peer id {@value #LOBBY_ITEM} is the lobby's own item (mode, sealed, peer
 *       count, join sequence, discovery), every other id a member (connection, ext, seq). The
 *       live-lobby counter sits at lobby {@value #LIVE_COUNTER} and match pools' turns at {@code
 *       #turn/…}, names no client can ask for.
 * </ul>
 *
 * Every item has {@value #EXPIRES_AT} (the tables' TTL attribute) and is treated as absent once
 * past it. Tests that look into the tables use these names too.
 */
public final class Items {
    private Items() {}

    // Both tables
    public static final String EXPIRES_AT = "expiresAt";
    public static final String LOBBY = "lobby";
    public static final String PEER_ID = "peerId";
    public static final String MESH = "mesh";
    public static final String EXT = "ext";
    public static final String CONNECTION_ID = "connectionId";
    public static final String GAME = "game";

    // Connections table
    public static final String CONNECTED_AT = "connectedAt";
    public static final String ALLOWED_LOBBY = "allowedLobby";
    public static final String RATE_WINDOW = "rlWindow";
    public static final String RATE_COUNT = "rlCount";

    /**
     * Frames admitted from the peer since it connected, across the connections it resumed on: a
     * resumed client re-sends what came after.
     */
    public static final String FRAMES = "frames";

    /** The connect token's subject, when tokens are on. */
    public static final String PLAYER = "player";

    /** The secret of the peer's resume token (see {@link dev.godotsignal.resume.ResumeToken}). */
    public static final String RESUME_SECRET = "resumeSecret";

    /**
     * On a resumed connection until its greeting has delivered the new token: the secret the client
     * resumed with, which stays valid meanwhile (the client has no other if this connection drops
     * too).
     */
    public static final String PREVIOUS_SECRET = "previousSecret";

    // Lobbies table: the lobby's own item
    public static final int LOBBY_ITEM = 0;
    public static final String SEALED = "sealed";
    public static final String PEER_COUNT = "peerCount";
    public static final String JOIN_SEQ = "joinSeq";
    public static final String CREATED_AT = "createdAt";
    // Lobbies table: a member
    public static final String SEQ = "seq";
    public static final String JOINED_AT = "joinedAt";

    /** A reserved id, not yet admitted. */
    public static final String PENDING = "pending";

    /** A departed member's tombstone. */
    public static final String LEFT_AT = "leftAt";

    // Lobbies table: a member that may resume. Held while suspended and until a resumed connection
    // has been sent what was kept; the grace's end while suspended; the frames kept meanwhile (the
    // encoded frames, oldest first) and their size.
    public static final String HELD = "held";
    public static final String RESUME_BY = "resumeBy";
    public static final String KEPT = "kept";
    public static final String KEPT_BYTES = "keptBytes";

    // Lobbies table, the lobby's own item: discovery (see Listing). The game, size and visibility,
    // the custom data once set, the matcher pool key (game|mode|maxPeers), the place in the lists
    // (creation time then key), and the seats held for matchers being admitted (id -> expiry).
    public static final String MAX_PEERS = "maxPeers";
    public static final String PUBLIC = "isPublic";
    public static final String DATA = "ldata";
    public static final String POOL = "poolKey";
    public static final String LIST_ORDER = "listOrder";
    public static final String SEATS = "seats";

    /**
     * The two indexes' partition keys, copies of {@link #GAME} and {@link #POOL} present only while
     * the lobby is listed (public, unsealed, not full): both indexes are sparse.
     */
    public static final String LIST_GAME = "listGame";

    public static final String MATCH_POOL = "matchPool";
    public static final String LIST_INDEX = "ListIndex";
    public static final String MATCH_INDEX = "MatchIndex";

    /** A match pool's turn item (peer id {@value #LOBBY_ITEM}): the lobby opened last. */
    public static final String TURN = "turn";

    public static String turnItemKey(String turnKey) {
        return "#turn/" + turnKey;
    }

    /** Whether a lobby key is the store's own bookkeeping (counter, turns), not a lobby. */
    public static boolean bookkeeping(String lobbyKey) {
        return lobbyKey.startsWith("#");
    }

    // Lobbies table: the live-lobby counter
    public static final String LIVE_COUNTER = "#live";
    public static final String LIVE_LOBBIES = "liveLobbies";

    // The ordering gate of the pair (this connection -> peer `to`), on the connection item: the
    // generation of the latest description (opened by its admission), the generation delivered,
    // and the candidates held meanwhile.

    public static String gateOpened(int to) {
        return "gateOpened" + to;
    }

    public static String gateDelivered(int to) {
        return "gateDelivered" + to;
    }

    public static String gateHeld(int to) {
        return "gateHeld" + to;
    }

    /** The peer an attribute {@code gateOpened<to>} is about, if it is one. */
    public static OptionalInt gateOpenedTo(String attribute) {
        if (!attribute.startsWith("gateOpened")) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(attribute.substring("gateOpened".length())));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    // Keys

    public static Map<String, AttributeValue> connectionKey(String connectionId) {
        return Map.of(CONNECTION_ID, s(connectionId));
    }

    public static Map<String, AttributeValue> lobbyKey(String lobby, int peerId) {
        return Map.of(LOBBY, s(lobby), PEER_ID, n(peerId));
    }

    // Codecs

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    public static int intOf(Map<String, AttributeValue> item, String name) {
        return Integer.parseInt(item.get(name).n());
    }

    public static long longOf(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }

    /** The expiry to write for an item that lives {@code lifetime} from {@code now}. */
    public static AttributeValue expiry(Instant now, Duration lifetime) {
        return n(now.plus(lifetime).getEpochSecond());
    }

    /** Whether the item exists and is not past its expiry (DynamoDB's TTL deletes late). */
    public static boolean live(Map<String, AttributeValue> item, Instant now) {
        return item != null
                && !item.isEmpty()
                && item.containsKey(EXPIRES_AT)
                && longOf(item, EXPIRES_AT) > now.getEpochSecond();
    }

    /** The mode recorded on a lobby's item or on a joined connection's item. */
    public static LobbyMode modeOf(Map<String, AttributeValue> item) {
        return item.get(MESH).bool() ? LobbyMode.MESH : LobbyMode.CLIENT_SERVER;
    }

    public static Member member(Map<String, AttributeValue> item) {
        return new Member(
                intOf(item, PEER_ID),
                item.get(CONNECTION_ID).s(),
                item.get(EXT).bool(),
                longOf(item, SEQ));
    }
}
