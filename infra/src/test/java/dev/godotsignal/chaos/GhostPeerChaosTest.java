package dev.godotsignal.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Connections die under the peers' feet: chosen connections are killed on the next @connections
 * POST to them (410), on top of random delays, and no $disconnect ever comes. Every dead guest must
 * still be announced to every survivor: no ghost peers. A dead host takes its lobby down.
 */
class GhostPeerChaosTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Reads up to the JOIN confirmation; null when the connection died first. */
    static String joined(WsClient ws, int... id) throws Exception {
        String raw;
        while ((raw = ws.nextRaw(Duration.ofSeconds(5))) != null) {
            JsonNode frame = JSON.readTree(raw);
            if (frame.path("type").asInt() == 1 && id.length > 0) {
                id[0] = frame.path("id").asInt();
            }
            if (frame.path("type").asInt() == 0) {
                return frame.path("data").asText();
            }
        }
        return null;
    }

    @Test
    void deadPeersAreAlwaysAnnounced() throws Exception {
        ChaosOptions chaos = new ChaosOptions(42, Duration.ofMillis(20), 0.0, 0.0, 1.0, 0.0, 0.0);
        try (LocalGateway gateway =
                LocalGateway.start(
                        TestGateways.options(Map.of("LivenessCheckSeconds", "1"))
                                .withChaos(chaos))) {
            List<WsClient> clients = new ArrayList<>();
            Map<WsClient, Integer> ids = new HashMap<>();
            Map<WsClient, Set<Integer>> goneSeen = new HashMap<>();
            WsClient host = WsClient.connect(gateway.url());
            host.send(MessageType.JOIN, 0, "");
            String lobby = joined(host);
            assertTrue(lobby != null, "the host created its lobby");
            clients.add(host);
            ids.put(host, 1);
            for (int i = 0; i < 6; i++) {
                WsClient guest = WsClient.connect(gateway.url());
                guest.send(MessageType.JOIN, 0, lobby);
                int[] id = new int[1];
                if (joined(guest, id) != null) {
                    ids.put(guest, id[0]);
                    clients.add(guest);
                }
            }
            // Two guests will die at the next message anybody sends them (the 2nd and 5th to
            // connect).
            List<String> connectionIds = gateway.connectionIds();
            assertTrue(connectionIds.size() == 7, "7 connections: " + connectionIds);
            gateway.goneOnNextPost(connectionIds.get(2));
            gateway.goneOnNextPost(connectionIds.get(5));
            // Everyone talks to everyone for a while; those two sockets die on the way.
            for (int round = 0; round < 5; round++) {
                for (WsClient from : clients) {
                    for (WsClient to : clients) {
                        if (from != to && !from.isClosed()) {
                            try {
                                from.send(MessageType.OFFER, ids.get(to), "round " + round);
                            } catch (CompletionException e) {
                                // Its socket died between the check and the send: the fault this
                                // test injects. Which sockets died is checked below.
                            }
                        }
                    }
                }
                Thread.sleep(200);
            }
            // Collect what survivors heard, then check the invariant.
            Thread.sleep(3000);
            for (WsClient c : clients) {
                Set<Integer> seen = ConcurrentHashMap.newKeySet();
                String raw;
                while ((raw = c.nextRaw(Duration.ofMillis(100))) != null) {
                    JsonNode frame = JSON.readTree(raw);
                    if (frame.path("type").asInt() == 3) {
                        seen.add(frame.path("id").asInt());
                    }
                }
                goneSeen.put(c, seen);
            }
            boolean hostDead = host.isClosed();
            List<WsClient> dead = clients.stream().filter(WsClient::isClosed).toList();
            System.out.printf(
                    "ghost chaos: %d of %d connections killed (host %s)%n",
                    dead.size(), clients.size(), hostDead ? "dead" : "alive");
            assertTrue(dead.size() == 2 && !hostDead, "exactly the two doomed guests died");
            for (WsClient survivor : clients) {
                if (survivor.isClosed()) {
                    continue;
                }
                assertTrue(!hostDead, "a survivor of a dead host must have been closed");
                for (WsClient d : dead) {
                    assertTrue(
                            goneSeen.get(survivor).contains(ids.get(d)),
                            "peer "
                                    + ids.get(survivor)
                                    + " never heard that "
                                    + ids.get(d)
                                    + " is gone");
                }
            }
            clients.forEach(WsClient::abort);
        }
    }
}
