package dev.godotsignal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.LobbyList;
import dev.godotsignal.testing.LocalGatewayExtension;
import dev.godotsignal.testing.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lobby discovery end to end: real WebSockets and real HTTP through the local gateway, the handlers
 * (the list's too) and DynamoDB Local with the template's indexes. Every test uses a game of its
 * own, so their lists do not meet.
 */
class DiscoveryEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY =
            LocalGatewayExtension.withParameters(
                    Map.of("MaxPeersPerLobby", "8", "JoinDeadlineSeconds", "60"));

    static URI game(String game) {
        return URI.create(GATEWAY.get().url() + "/?game=" + game);
    }

    /** An ext host of a new lobby in {@code game}; returns the client and the lobby's name. */
    record Host(WsClient client, String lobby) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    static Host host(String game, boolean mesh) {
        WsClient client = WsClient.connectWithExtensions(game(game));
        client.send(MessageType.JOIN, mesh ? 0 : 1, "");
        client.expect(MessageType.ID, 1, mesh ? "true" : "");
        client.expect(MessageType.RESUME);
        return new Host(client, client.expect(MessageType.JOIN).path("data").asText());
    }

    static JsonNode setData(Host host, String json) throws Exception {
        host.client().send(MessageType.LOBBY_DATA, 0, json);
        JsonNode frame = host.client().expect(MessageType.LOBBY_DATA);
        assertEquals(1, frame.path("id").asInt());
        return JSON.readTree(frame.path("data").asText());
    }

    static Host publicHost(String game, String data) throws Exception {
        Host host = host(game, true);
        setData(host, "{\"public\":true,\"data\":" + data + "}");
        return host;
    }

    static HttpResponse<String> get(String query, String... headers) throws Exception {
        return LobbyList.get(GATEWAY.get(), query, headers);
    }

    static JsonNode list(String query) throws Exception {
        return LobbyList.page(GATEWAY.get(), query);
    }

    static List<String> names(JsonNode page) {
        return LobbyList.names(page);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void theListShowsPublicLobbiesOfOneGameWithTheirData() throws Exception {
        try (Host hidden = host("listing", true);
                Host older =
                        publicHost("listing", "{\"map\":\"dunes\",\"ranked\":true,\"slots\":2}");
                Host newer = publicHost("listing", "{\"map\":\"canyon\"}");
                Host elsewhere = publicHost("listing-other", "{\"map\":\"dunes\"}")) {
            JsonNode page = list("game=listing");
            assertEquals(List.of(older.lobby(), newer.lobby()), names(page));
            JsonNode first = page.path("lobbies").get(0);
            assertEquals(1, first.path("peers").asInt());
            assertEquals(8, first.path("maxPeers").asInt());
            assertTrue(first.path("mesh").asBoolean());
            assertEquals(
                    JSON.readTree("{\"map\":\"dunes\",\"ranked\":true,\"slots\":2}"),
                    first.path("data"));
            assertTrue(first.path("createdAt").asLong() > 1_700_000_000L);
            assertTrue(page.path("cursor").isNull());

            assertEquals(List.of(older.lobby()), names(list("game=listing&map=dunes")));
            assertEquals(List.of(older.lobby()), names(list("game=listing&ranked=true&slots=2")));
            assertEquals(List.of(), names(list("game=listing&map=nowhere")));
            assertEquals(List.of(elsewhere.lobby()), names(list("game=listing-other")));
            assertFalse(names(list("")).contains(hidden.lobby()), "the default game");
        }
    }

    @Test
    void fullSealedAndHostlessLobbiesLeaveTheListAtOnce() throws Exception {
        try (Host full = host("leaving", true);
                Host sealed = publicHost("leaving", "{}");
                Host abandoned = publicHost("leaving", "{}");
                Host staying = publicHost("leaving", "{}")) {
            setData(full, "{\"public\":true,\"maxPeers\":2}");
            assertEquals(4, names(list("game=leaving")).size());

            WsClient guest = WsClient.connectWithExtensions(game("leaving"));
            guest.send(MessageType.JOIN, 0, full.lobby());
            guest.expect(MessageType.ID);
            sealed.client().send(MessageType.SEAL, 0, "");
            sealed.client().expect(MessageType.SEAL);
            abandoned.client().close();
            awaitList("game=leaving", List.of(staying.lobby()));

            guest.close(); // the full lobby has room again
            awaitList("game=leaving", List.of(full.lobby(), staying.lobby()));
        }
    }

    /** The host's close reaches $disconnect asynchronously: waits until the list shows it. */
    static void awaitList(String query, List<String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> names = names(list(query));
        while (!names.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            names = names(list(query));
        }
        assertEquals(expected, names);
    }

    @Test
    void pagesOverOneHundredTwentyLobbiesOldestFirstAndMeasuresTheList() throws Exception {
        List<Host> hosts = new ArrayList<>();
        try {
            for (int i = 0; i < 120; i++) {
                hosts.add(publicHost("paging", "{\"n\":" + i + "}"));
            }
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            List<Long> micros = new ArrayList<>();
            do {
                long start = System.nanoTime();
                JsonNode page =
                        list(
                                "game=paging&limit=50"
                                        + (cursor == null ? "" : "&cursor=" + encode(cursor)));
                micros.add((System.nanoTime() - start) / 1000);
                seen.addAll(names(page));
                cursor = page.path("cursor").isNull() ? null : page.path("cursor").asText();
                pages++;
            } while (cursor != null);
            assertEquals(hosts.stream().map(Host::lobby).toList(), seen);
            assertTrue(pages == 3 || pages == 4, pages + " pages"); // the last may be empty
            for (int i = 0; i < 30; i++) {
                long start = System.nanoTime();
                list("game=paging&limit=50");
                micros.add((System.nanoTime() - start) / 1000);
            }
            micros.sort(Comparator.naturalOrder());
            System.out.printf(
                    "GET /lobbies (50 of 120 lobbies, locally): p50 %.1f ms, p90 %.1f ms over %d"
                            + " calls%n",
                    micros.get(micros.size() / 2) / 1000.0,
                    micros.get(micros.size() * 9 / 10) / 1000.0,
                    micros.size());
        } finally {
            hosts.forEach(Host::close);
        }
    }

    @Test
    void matchWithWhereFindsTheMatchingLobbyAndNotTheOthers() throws Exception {
        try (Host deathmatch = publicHost("where", "{\"mode\":\"dm\"}");
                Host ctf = publicHost("where", "{\"mode\":\"ctf\",\"map\":\"dunes\"}");
                WsClient matcher = WsClient.connectWithExtensions(game("where"));
                WsClient loner = WsClient.connectWithExtensions(game("where"))) {
            matcher.send(MessageType.MATCH, 0, "{\"maxPeers\":8,\"where\":{\"mode\":\"ctf\"}}");
            int id = matcher.expect(MessageType.ID).path("id").asInt();
            matcher.expect(MessageType.RESUME);
            assertNotEquals(1, id);
            matcher.expect(MessageType.PEER_CONNECT, 1, "");
            matcher.expect(MessageType.JOIN, 0, ctf.lobby());
            JsonNode data =
                    JSON.readTree(matcher.expect(MessageType.LOBBY_DATA).path("data").asText());
            assertEquals(2, data.path("peers").asInt());
            ctf.client().expect(MessageType.PEER_CONNECT, id, "");
            deathmatch.client().expectNothing(Duration.ofMillis(300));

            loner.send(MessageType.MATCH, 0, "{\"maxPeers\":8,\"where\":{\"mode\":\"koth\"}}");
            loner.expect(MessageType.ID, 1, "true");
            loner.expect(MessageType.RESUME);
            String opened = loner.expect(MessageType.JOIN).path("data").asText();
            assertTrue(names(list("game=where&mode=koth")).contains(opened));
        }
    }

    @Test
    void aDemoClientJoinsAPublicLobbyByNameAndSeesNothingNew() throws Exception {
        try (Host host = publicHost("default", "{\"map\":\"dunes\"}");
                WsClient demo = WsClient.connect(GATEWAY.get().url())) {
            assertTrue(names(list("")).contains(host.lobby()));
            demo.send(MessageType.JOIN, 0, host.lobby());
            int id = demo.expect(MessageType.ID).path("id").asInt();
            demo.expect(MessageType.PEER_CONNECT, 1, "");
            demo.expect(MessageType.JOIN, 0, host.lobby());
            demo.expectNothing(Duration.ofMillis(500)); // no LOBBY_DATA, no extension frame
            host.client().expect(MessageType.PEER_CONNECT, id, "");
            // Its lobby data changing later is not its business either.
            setData(host, "{\"data\":{\"map\":\"canyon\"}}");
            demo.expectNothing(Duration.ofMillis(300));
        }
    }

    @Test
    void badRequestsGetAClearErrorAndChangeNothing() throws Exception {
        try (Host host = publicHost("bad", "{\"map\":\"dunes\"}");
                WsClient guest = WsClient.connectWithExtensions(game("bad"))) {
            guest.send(MessageType.JOIN, 0, host.lobby());
            guest.expect(MessageType.ID);
            guest.expect(MessageType.RESUME);
            guest.expect(MessageType.PEER_CONNECT);
            guest.expect(MessageType.JOIN);
            guest.expect(MessageType.LOBBY_DATA);
            host.client().expect(MessageType.PEER_CONNECT);

            guest.send(MessageType.LOBBY_DATA, 0, "{\"public\":false}");
            guest.expect(MessageType.ERROR, 0, "Only host can set lobby data");
            host.client()
                    .send(
                            MessageType.LOBBY_DATA,
                            0,
                            "{\"data\":{\"big\":\"" + "x".repeat(2048) + "\"}}");
            host.client().expect(MessageType.ERROR, 0, "Invalid lobby data");
            host.client().send(MessageType.LOBBY_DATA, 0, "{\"data\":{\"deep\":{\"a\":1}}}");
            host.client().expect(MessageType.ERROR, 0, "Invalid lobby data");
            host.client().send(MessageType.LOBBY_DATA, 0, "[1,2]");
            host.client().expect(MessageType.ERROR, 0, "Invalid lobby data");
            guest.send(MessageType.MATCH, 0, "{}");
            guest.expect(MessageType.ERROR, 4000, "Already in a lobby");
            guest.awaitClose();
            // The host stayed, and its data did not change.
            JsonNode listed = list("game=bad").path("lobbies").get(0);
            assertEquals(JSON.readTree("{\"map\":\"dunes\"}"), listed.path("data"));
            assertFalse(host.client().isClosed());
        }
        for (String query :
                List.of(
                        "game=" + encode("no spaces"),
                        "limit=1000",
                        "limit=0",
                        "limit=ten",
                        "cursor=forged",
                        "cursor=eyJvIjoiMDAwMDAwMDAwMDAwMSNyYWNpbmcvQUJDIiwibCI6InJhY2luZy9BQkMifQ",
                        "=x")) {
            HttpResponse<String> response = get(query);
            assertEquals(400, response.statusCode(), query);
            assertTrue(JSON.readTree(response.body()).path("error").isTextual(), response.body());
        }
        CompletionException refused =
                assertThrows(
                        CompletionException.class,
                        () ->
                                WsClient.connect(
                                        URI.create(GATEWAY.get().url() + "/?game=bad%20game")));
        assertTrue(String.valueOf(refused.getCause().getCause()).contains("400"));
    }

    @Test
    void browsersGetCorsHeadersAndPreflightsAnAnswer() throws Exception {
        HttpResponse<String> response = get("", "Origin", "https://mygame.example");
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        HttpResponse<String> preflight =
                HTTP.send(
                        HttpRequest.newBuilder(GATEWAY.get().lobbiesUrl())
                                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                                .header("Origin", "https://mygame.example")
                                .header("Access-Control-Request-Method", "GET")
                                .header("Access-Control-Request-Headers", "authorization")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
        assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(
                Arrays.stream(
                                preflight
                                        .headers()
                                        .firstValue("Access-Control-Allow-Headers")
                                        .orElse("")
                                        .split(","))
                        .map(String::trim)
                        .collect(Collectors.toSet())
                        .contains("authorization"));
    }
}
