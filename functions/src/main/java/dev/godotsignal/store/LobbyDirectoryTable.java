package dev.godotsignal.store;

import static dev.godotsignal.store.Items.CREATED_AT;
import static dev.godotsignal.store.Items.DATA;
import static dev.godotsignal.store.Items.EXPIRES_AT;
import static dev.godotsignal.store.Items.GAME;
import static dev.godotsignal.store.Items.JOIN_SEQ;
import static dev.godotsignal.store.Items.LIST_GAME;
import static dev.godotsignal.store.Items.LIST_INDEX;
import static dev.godotsignal.store.Items.LIST_ORDER;
import static dev.godotsignal.store.Items.LOBBY;
import static dev.godotsignal.store.Items.LOBBY_ITEM;
import static dev.godotsignal.store.Items.MATCH_INDEX;
import static dev.godotsignal.store.Items.MATCH_POOL;
import static dev.godotsignal.store.Items.MAX_PEERS;
import static dev.godotsignal.store.Items.PEER_COUNT;
import static dev.godotsignal.store.Items.PEER_ID;
import static dev.godotsignal.store.Items.POOL;
import static dev.godotsignal.store.Items.PUBLIC;
import static dev.godotsignal.store.Items.SEALED;
import static dev.godotsignal.store.Items.TURN;
import static dev.godotsignal.store.Items.bool;
import static dev.godotsignal.store.Items.intOf;
import static dev.godotsignal.store.Items.live;
import static dev.godotsignal.store.Items.lobbyKey;
import static dev.godotsignal.store.Items.longOf;
import static dev.godotsignal.store.Items.modeOf;
import static dev.godotsignal.store.Items.n;
import static dev.godotsignal.store.Items.s;

import dev.godotsignal.discovery.ListCursor;
import dev.godotsignal.discovery.ListedPage;
import dev.godotsignal.discovery.LobbyDataOutcome;
import dev.godotsignal.discovery.LobbyDataUpdate;
import dev.godotsignal.discovery.LobbyListing;
import dev.godotsignal.discovery.MatchPool;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.LobbyData;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Discovery in the lobbies table: the lists (two sparse indexes over the lobby items, see {@link
 * Listing}), lobby data, and match pools' turns. Each list read is one Query page of an index.
 */
final class LobbyDirectoryTable {
    private final DynamoDbClient dynamo;
    private final String table;
    private final LobbyTable lobbies;
    private final StoreTuning tuning;

    LobbyDirectoryTable(
            DynamoDbClient dynamo, String table, LobbyTable lobbies, StoreTuning tuning) {
        this.dynamo = dynamo;
        this.table = table;
        this.lobbies = lobbies;
        this.tuning = tuning;
    }

    ListedPage listed(String game, int limit, Optional<ListCursor> after, Instant now) {
        QueryRequest.Builder request =
                QueryRequest.builder()
                        .tableName(table)
                        .indexName(LIST_INDEX)
                        .keyConditionExpression(LIST_GAME + " = :game")
                        .expressionAttributeValues(Map.of(":game", s(game)))
                        .limit(limit);
        after.ifPresent(
                cursor ->
                        request.exclusiveStartKey(
                                Map.of(
                                        LIST_GAME, s(game),
                                        LIST_ORDER, s(cursor.order()),
                                        LOBBY, s(cursor.lobbyKey()),
                                        PEER_ID, n(LOBBY_ITEM))));
        QueryResponse page = dynamo.query(request.build());
        Optional<ListCursor> next =
                page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? Optional.of(
                                new ListCursor(
                                        page.lastEvaluatedKey().get(LIST_ORDER).s(),
                                        page.lastEvaluatedKey().get(LOBBY).s()))
                        : Optional.empty();
        return new ListedPage(listings(page.items(), now), next);
    }

    List<LobbyListing> matchCandidates(MatchPool pool, int limit, Instant now) {
        QueryResponse page =
                dynamo.query(
                        b ->
                                b.tableName(table)
                                        .indexName(MATCH_INDEX)
                                        .keyConditionExpression(MATCH_POOL + " = :pool")
                                        .expressionAttributeValues(
                                                Map.of(":pool", s(pool.indexKey())))
                                        .limit(limit));
        return listings(page.items(), now);
    }

    Optional<String> poolTurn(String turnKey) {
        Map<String, AttributeValue> item = lobbies.item(Items.turnItemKey(turnKey), LOBBY_ITEM);
        return item != null && item.containsKey(TURN)
                ? Optional.of(item.get(TURN).s())
                : Optional.empty();
    }

    Optional<LobbyData> lobbyData(String lobby, Instant now) {
        Map<String, AttributeValue> meta = lobbies.item(lobby, LOBBY_ITEM);
        if (!live(meta, now) || !meta.containsKey(DATA)) {
            return Optional.empty();
        }
        return Optional.of(data(meta));
    }

    LobbyDataOutcome update(String lobby, LobbyDataUpdate update, Instant now) {
        for (int attempt = 0; attempt < tuning.maxAttempts(); attempt++) {
            LobbyTable.LobbyQuery read = lobbies.query(lobby, now);
            if (read.meta().isEmpty()) {
                return new LobbyDataOutcome.Refused(LobbyDataOutcome.Refusal.LOBBY_GONE);
            }
            Map<String, AttributeValue> meta = read.meta().get();
            if (meta.get(SEALED).bool()) {
                return new LobbyDataOutcome.Refused(LobbyDataOutcome.Refusal.LOBBY_SEALED);
            }
            int count = intOf(meta, PEER_COUNT);
            LobbyData was = data(meta);
            int maxPeers = update.maxPeers().orElse(was.maxPeers());
            if (maxPeers < count) {
                return new LobbyDataOutcome.Refused(LobbyDataOutcome.Refusal.BELOW_PEER_COUNT);
            }
            LobbyData changed =
                    new LobbyData(
                            update.isPublic().orElse(was.isPublic()),
                            maxPeers,
                            was.mode(),
                            update.data().orElse(was.data()),
                            count);
            String game = meta.get(GAME).s();
            String pool = MatchPool.indexKey(game, was.mode(), maxPeers);
            boolean open = Listing.open(changed.isPublic(), false, count, maxPeers);
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":public", bool(changed.isPublic()));
            values.put(":max", n(maxPeers));
            values.put(":pool", s(pool));
            values.put(":data", s(changed.data().json()));
            values.put(":count", n(count));
            values.put(":seq", n(longOf(meta, JOIN_SEQ)));
            values.put(":false", bool(false));
            values.put(":now", n(now.getEpochSecond()));
            if (open) {
                values.put(":game", s(game));
            }
            try {
                dynamo.updateItem(
                        b ->
                                b.tableName(table)
                                        .key(lobbyKey(lobby, LOBBY_ITEM))
                                        .updateExpression(
                                                "SET "
                                                        + PUBLIC
                                                        + " = :public, "
                                                        + MAX_PEERS
                                                        + " = :max, "
                                                        + POOL
                                                        + " = :pool, "
                                                        + DATA
                                                        + " = :data"
                                                        + (open
                                                                ? ", "
                                                                        + LIST_GAME
                                                                        + " = :game, "
                                                                        + MATCH_POOL
                                                                        + " = :pool"
                                                                : " REMOVE " + Listing.UNLIST))
                                        // Nobody joined, left or sealed since the read: the
                                        // count, and so the listing, is exact.
                                        .conditionExpression(
                                                PEER_COUNT
                                                        + " = :count AND "
                                                        + JOIN_SEQ
                                                        + " = :seq AND "
                                                        + SEALED
                                                        + " = :false AND "
                                                        + EXPIRES_AT
                                                        + " > :now")
                                        .expressionAttributeValues(values));
                return new LobbyDataOutcome.Changed(changed, read.members());
            } catch (ConditionalCheckFailedException e) {
                Backoff.pause(attempt);
            }
        }
        throw new IllegalStateException(
                "could not set lobby data after " + tuning.maxAttempts() + " attempts");
    }

    private static List<LobbyListing> listings(
            List<Map<String, AttributeValue>> items, Instant now) {
        return items.stream()
                .filter(item -> live(item, now))
                .map(
                        item ->
                                new LobbyListing(
                                        Games.nameOf(item.get(LOBBY).s()),
                                        intOf(item, PEER_COUNT),
                                        intOf(item, MAX_PEERS),
                                        modeOf(item),
                                        storedData(item),
                                        longOf(item, CREATED_AT)))
                .toList();
    }

    private static LobbyData data(Map<String, AttributeValue> meta) {
        return dataOf(meta, intOf(meta, PEER_COUNT));
    }

    /** The data of a lobby item as read, with {@code peers}; a join knows the count it made. */
    static LobbyData dataOf(Map<String, AttributeValue> meta, int peers) {
        return new LobbyData(
                meta.get(PUBLIC).bool(),
                intOf(meta, MAX_PEERS),
                modeOf(meta),
                storedData(meta),
                peers);
    }

    /** The data a joiner is told after its JOIN, if the lobby's data was ever set. */
    static Optional<LobbyData> toldOnJoin(Map<String, AttributeValue> meta, int peers) {
        return meta.containsKey(DATA) ? Optional.of(dataOf(meta, peers)) : Optional.empty();
    }

    private static FlatData storedData(Map<String, AttributeValue> item) {
        return item.containsKey(DATA) ? FlatData.parse(item.get(DATA).s()) : FlatData.EMPTY;
    }
}
