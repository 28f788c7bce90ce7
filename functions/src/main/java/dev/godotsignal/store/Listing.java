package dev.godotsignal.store;

import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.GAME;
import static dev.godotsignal.store.Items.LIST_GAME;
import static dev.godotsignal.store.Items.LOBBY_ITEM;
import static dev.godotsignal.store.Items.MATCH_POOL;
import static dev.godotsignal.store.Items.MAX_PEERS;
import static dev.godotsignal.store.Items.PEER_COUNT;
import static dev.godotsignal.store.Items.POOL;
import static dev.godotsignal.store.Items.PUBLIC;
import static dev.godotsignal.store.Items.SEALED;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.lobbyKey;
import static dev.godotsignal.store.Items.n;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Whether a lobby is listed: public, unsealed and not full. The lobby item then carries the two
 * sparse indexes' keys, {@value Items#LIST_GAME} and {@value Items#MATCH_POOL} (copies of its game
 * and pool); a write that changes the count with the count known puts them in or out in the same
 * update, and the writes that cannot know it (a leave, a seat given back) follow with a conditional
 * {@link #relist}.
 */
final class Listing {
    /** The clause that lists a lobby: the index keys copied from the item's own attributes. */
    static final String LIST = LIST_GAME + " = " + GAME + ", " + MATCH_POOL + " = " + POOL;

    static final String UNLIST = LIST_GAME + ", " + MATCH_POOL;

    private final DynamoDbClient dynamo;
    private final String table;

    Listing(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Whether a lobby in this state belongs in the lists. */
    static boolean open(boolean isPublic, boolean sealed, int peers, int maxPeers) {
        return isPublic && !sealed && peers < maxPeers;
    }

    /** Whether the lobby item as read belongs in the lists. */
    static boolean open(Map<String, AttributeValue> meta) {
        return meta.containsKey(PUBLIC)
                && open(
                        meta.get(PUBLIC).bool(),
                        meta.get(SEALED).bool(),
                        intOf(meta, PEER_COUNT),
                        intOf(meta, MAX_PEERS));
    }

    static boolean listed(Map<String, AttributeValue> meta) {
        return meta.containsKey(LIST_GAME);
    }

    /**
     * Lists the lobby if it is open and not listed: after a guest left or a seat was given back.
     */
    void relist(String lobby, Instant now) {
        try {
            dynamo.updateItem(
                    b ->
                            b.tableName(table)
                                    .key(lobbyKey(lobby, LOBBY_ITEM))
                                    .updateExpression("SET " + LIST)
                                    .conditionExpression(
                                            PUBLIC
                                                    + " = :true AND "
                                                    + SEALED
                                                    + " = :false AND "
                                                    + PEER_COUNT
                                                    + " < "
                                                    + MAX_PEERS
                                                    + " AND "
                                                    + EXPIRES_AT
                                                    + " > :now AND attribute_not_exists("
                                                    + LIST_GAME
                                                    + ")")
                                    .expressionAttributeValues(
                                            Map.of(
                                                    ":true",
                                                    bool(true),
                                                    ":false",
                                                    bool(false),
                                                    ":now",
                                                    n(now.getEpochSecond()))));
        } catch (ConditionalCheckFailedException e) {
            // Not open (any more), or listed already: nothing to do.
        }
    }
}
