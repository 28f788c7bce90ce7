package dev.godotsignal.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.discovery.MatchPool;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.LobbyList;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lobby discovery with the gateway in chaos mode (the seeds and faults of {@link
 * ChaosEndToEndTest}: frames out of order, throttled DynamoDB calls, lost $disconnects, crashing
 * environments): public lobbies are listed, concurrent matchers are all admitted into lobbies that
 * never overfill, every frame is well formed, and once everybody has left the list is empty.
 */
class DiscoveryChaosTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MATCHERS = 48;
    static final int SIZE = 4;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {23})
    void listingAndQuickMatchUnderChaos(long seed) throws Exception {
        ChaosOptions chaos = ChaosOptions.standard(seed);
        try (LocalGateway gateway =
                LocalGateway.start(
                        TestGateways.options(
                                        Map.of(
                                                // A connection's first check is at its join
                                                // deadline (a matcher that sent MATCH and still
                                                // waits for a slot gets a second one), then every
                                                // second; one whose $disconnect was lost is then
                                                // held for a resume. These bound the final wait
                                                // for nothing left (2 s of grace instead of 20).
                                                "JoinDeadlineSeconds", "5",
                                                "LivenessCheckSeconds", "1",
                                                "ResumeGraceSeconds", "2"))
                                .withChaos(chaos))) {
            URI url = URI.create(gateway.url() + "/?game=chaos");
            List<WsClient> clients = new ArrayList<>();
            try {
                List<String> hosted = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    WsClient host = WsClient.connectWithExtensions(url);
                    clients.add(host);
                    host.send(MessageType.JOIN, 0, "");
                    host.expect(MessageType.ID, 1, "true");
                    host.expect(MessageType.RESUME);
                    hosted.add(host.expect(MessageType.JOIN).path("data").asText());
                    host.send(
                            MessageType.LOBBY_DATA,
                            0,
                            "{\"public\":true,\"data\":{\"i\":" + i + "}}");
                    assertTrue(
                            JSON.readTree(host.expect(MessageType.LOBBY_DATA).path("data").asText())
                                    .path("public")
                                    .asBoolean());
                }
                assertEquals(hosted, names(list(gateway, "game=chaos")));

                List<WsClient> matchers = new ArrayList<>();
                for (int i = 0; i < MATCHERS; i++) {
                    matchers.add(WsClient.connectWithExtensions(url));
                }
                clients.addAll(matchers);
                String request = "{\"maxPeers\":" + SIZE + ",\"where\":{\"q\":\"chaos\"}}";
                matchers.parallelStream().forEach(m -> m.send(MessageType.MATCH, 0, request));
                Map<String, Set<Integer>> lobbies = new HashMap<>();
                for (WsClient matcher : matchers) {
                    int id = -1;
                    while (true) {
                        // Matchers queue for the gateway's invocation slots: the last wait longest.
                        JsonNode frame = JSON.readTree(matcher.nextRaw(Duration.ofSeconds(60)));
                        int type = frame.path("type").asInt();
                        if (type == MessageType.ID.code()) {
                            id = frame.path("id").asInt();
                        } else if (type == MessageType.JOIN.code()) {
                            assertTrue(
                                    lobbies.computeIfAbsent(
                                                    frame.path("data").asText(),
                                                    l -> new HashSet<>())
                                            .add(id));
                            break;
                        } else if (type != MessageType.RESUME.code()) {
                            assertEquals(MessageType.PEER_CONNECT.code(), type, frame.toString());
                        }
                    }
                    JsonNode data =
                            JSON.readTree(
                                    matcher.expect(MessageType.LOBBY_DATA).path("data").asText());
                    assertEquals("chaos", data.path("data").path("q").asText());
                }
                lobbies.values().forEach(ids -> assertTrue(ids.size() <= SIZE, ids.toString()));
                System.out.printf(
                        "chaos %s: %d matchers -> %d lobbies (perfect %d)%n",
                        chaos, MATCHERS, lobbies.size(), MATCHERS / SIZE);
                // Each turn lane leaves at most one lobby part filled.
                assertTrue(
                        lobbies.size() <= MATCHERS / SIZE + MatchPool.LANES - 1,
                        lobbies.size() + " lobbies");
                // The list: the hosts' lobbies and the matched lobbies with room, none full.
                List<String> open =
                        lobbies.entrySet().stream()
                                .filter(e -> e.getValue().size() < SIZE)
                                .map(Map.Entry::getKey)
                                .toList();
                List<String> listed = names(list(gateway, "game=chaos"));
                assertEquals(hosted, listed.subList(0, hosted.size()));
                assertEquals(
                        new HashSet<>(open),
                        new HashSet<>(listed.subList(hosted.size(), listed.size())));
            } finally {
                clients.forEach(WsClient::close);
            }
            // Lost $disconnects are found by the liveness checks; then nothing is listed.
            TestGateways.awaitNothingLeft(gateway, Duration.ofSeconds(45));
            assertEquals(List.of(), names(list(gateway, "game=chaos")));
        }
    }

    static JsonNode list(LocalGateway gateway, String query) throws Exception {
        return LobbyList.page(gateway, query);
    }

    static List<String> names(JsonNode page) {
        return LobbyList.names(page);
    }
}
