package dev.godotsignal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * 200 players press "quick match" for 4-player lobbies at the same moment, over real WebSockets
 * through the gateway, the handlers and DynamoDB Local: every one is admitted, no lobby goes over
 * 4, and the lobbies are packed (perfect packing is 50; each of the {@value MatchPool#LANES} turn
 * lanes may leave one lobby part filled; the issue allows 55). Prints the packing reached and how
 * long the matching took.
 */
class QuickMatchAtScaleTest {
    static final int PLAYERS = 200;
    static final int SIZE = 4;
    static final Duration MATCHING_TIME = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode parse(String frame) {
        if (frame == null) {
            throw new AssertionError("no frame within " + MATCHING_TIME);
        }
        try {
            return JSON.readTree(frame);
        } catch (Exception e) {
            throw new AssertionError(frame, e);
        }
    }

    /** A matched player: its id and lobby (from ID and the JOIN confirmation). */
    record Seat(int peerId, String lobby, List<Integer> introduced) {}

    static List<WsClient> connect(URI url, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<WsClient>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> WsClient.connectWithExtensions(url)));
            }
            List<WsClient> clients = new ArrayList<>();
            for (Future<WsClient> f : futures) {
                clients.add(f.get());
            }
            return clients;
        } finally {
            pool.shutdown();
        }
    }

    /** Reads a matcher's frames up to its JOIN confirmation. */
    static Seat seat(WsClient client) {
        int peerId = -1;
        List<Integer> introduced = new ArrayList<>();
        while (true) {
            // The matchers queue for the gateway's 32 invocation slots: the last wait longest.
            JsonNode frame = parse(client.nextRaw(MATCHING_TIME));
            if (peerId < 0) {
                assertEquals(MessageType.ID.code(), frame.path("type").asInt(), frame.toString());
                peerId = frame.path("id").asInt();
                continue;
            }
            int type = frame.path("type").asInt();
            if (type == MessageType.PEER_CONNECT.code()) {
                introduced.add(frame.path("id").asInt());
            } else if (type == MessageType.RESUME.code()) {
                continue; // its resume token, right after ID
            } else if (type == MessageType.JOIN.code()) {
                return new Seat(peerId, frame.path("data").asText(), introduced);
            } else {
                throw new AssertionError("unexpected before JOIN: " + frame);
            }
        }
    }

    @Test
    void twoHundredConcurrentMatchersArePackedIntoFullLobbies() throws Exception {
        try (LocalGateway gateway =
                TestGateways.start(
                        Map.of(
                                "MaxPeersPerLobby", "8",
                                "JoinDeadlineSeconds", "120",
                                "LivenessCheckSeconds", "900"))) {
            URI url = URI.create(gateway.url() + "/?game=scale");
            List<WsClient> players = connect(url, PLAYERS);
            try {
                long start = System.nanoTime();
                String request = "{\"maxPeers\":" + SIZE + ",\"where\":{\"mode\":\"duel\"}}";
                players.parallelStream().forEach(p -> p.send(MessageType.MATCH, 0, request));
                List<Seat> seats = players.stream().map(QuickMatchAtScaleTest::seat).toList();
                long millis = (System.nanoTime() - start) / 1_000_000;

                Map<String, Set<Integer>> lobbies = new HashMap<>();
                for (Seat seat : seats) {
                    assertTrue(
                            lobbies.computeIfAbsent(seat.lobby(), l -> new HashSet<>())
                                    .add(seat.peerId()),
                            "peer id " + seat.peerId() + " twice in " + seat.lobby());
                }
                lobbies.forEach(
                        (lobby, ids) ->
                                assertTrue(
                                        ids.size() <= SIZE,
                                        lobby + " has " + ids.size() + " peers"));
                // Everyone was introduced to exactly the earlier peers of its lobby: in each lobby
                // the joiners were told of 0, 1, 2… peers.
                for (Seat seat : seats) {
                    assertTrue(
                            lobbies.get(seat.lobby()).containsAll(seat.introduced()),
                            seat.toString());
                }
                long full = lobbies.values().stream().filter(ids -> ids.size() == SIZE).count();
                System.out.printf(
                        "quick match: %d concurrent matchers for %d-peer lobbies -> %d lobbies"
                                + " (%d full; perfect packing %d) in %d ms%n",
                        PLAYERS, SIZE, lobbies.size(), full, PLAYERS / SIZE, millis);
                assertEquals(PLAYERS, seats.size());
                assertTrue(lobbies.size() <= 55, lobbies.size() + " lobbies for " + PLAYERS);
            } finally {
                players.forEach(WsClient::close);
            }
        }
    }
}
