package dev.godotsignal.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Races over real WebSockets through the local gateway, with the real handlers on DynamoDB Local:
 * caps hold, ids stay unique, and every lobby is consistent afterwards.
 */
class ConcurrencyAtScaleTest {
    static LocalGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway =
                TestGateways.start(
                        Map.of(
                                "MaxPeersPerLobby",
                                "16",
                                "MaxLobbies",
                                "1000",
                                "JoinDeadlineSeconds",
                                "60",
                                "LivenessCheckSeconds",
                                "900",
                                // These race joins and leaves at scale; 500 racers that drop their
                                // sockets would each be held for a resume first (resuming has
                                // its own tests, at scale under chaos in ChaosEndToEndTest).
                                "ResumeGraceSeconds",
                                "0"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static List<WsClient> connect(int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<WsClient>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(() -> WsClient.connectWithExtensions(gateway.url())));
        }
        List<WsClient> clients = new ArrayList<>();
        for (Future<WsClient> f : futures) {
            clients.add(f.get());
        }
        pool.shutdown();
        return clients;
    }

    @Test
    void fiveHundredConnectionsRaceIntoOneLobbyCappedAtSixteen() throws Exception {
        long start = System.nanoTime();
        try (WsClient host = WsClient.connect(gateway.url())) {
            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID, 1, "true");
            String lobby = host.expect(MessageType.JOIN).path("data").asText();
            List<WsClient> racers = connect(500);
            try {
                racers.forEach(
                        r ->
                                r.send(
                                        MessageType.JOIN,
                                        0,
                                        lobby)); // as close to simultaneous as one thread gets
                Set<Integer> ids = new HashSet<>(List.of(1));
                int refused = 0;
                for (WsClient r : racers) {
                    Outcome outcome = outcome(r);
                    if (outcome.admitted()) {
                        assertTrue(ids.add(outcome.id()), "duplicate id " + outcome.id());
                    } else {
                        assertEquals("Too many peers connected", outcome.reason());
                        refused++;
                    }
                }
                assertEquals(16, ids.size(), "exactly the cap: the host and 15 guests");
                assertEquals(485, refused);
                System.out.printf(
                        "race: 500 joiners, cap 16 -> 15 admitted, 485 refused, %d ms%n",
                        (System.nanoTime() - start) / 1_000_000);
            } finally {
                racers.forEach(WsClient::abort);
            }
        }
    }

    @Test
    void aThousandConnectionsInTwoHundredFiftyLobbiesJoinRelayAndLeaveAtOnce() throws Exception {
        long start = System.nanoTime();
        List<WsClient> hosts = connect(250);
        List<String> lobbies = new ArrayList<>();
        for (WsClient host : hosts) {
            host.send(MessageType.JOIN, 0, "");
        }
        for (WsClient host : hosts) {
            host.expect(MessageType.ID, 1, "true");
            lobbies.add(host.expect(MessageType.JOIN).path("data").asText());
        }
        List<WsClient> guests = connect(750);
        Map<WsClient, Integer> guestIds = new HashMap<>();
        for (int i = 0; i < guests.size(); i++) {
            guests.get(i).send(MessageType.JOIN, 0, lobbies.get(i % 250));
        }
        for (WsClient g : guests) {
            JsonNode id = g.expect(MessageType.ID);
            guestIds.put(g, id.path("id").asInt());
        }
        // A client offers once the JOIN that confirms it arrived, as every client does: ID comes
        // before the admission commits, and a relay the gateway runs before that commit is
        // refused (not in a lobby yet), which a loaded machine made happen here.
        for (WsClient g : guests) {
            awaitJoined(g);
        }
        // Every guest offers to its host; every host must get exactly three offers.
        for (WsClient g : guests) {
            g.send(MessageType.OFFER, 1, "offer from " + guestIds.get(g));
        }
        for (int h = 0; h < hosts.size(); h++) {
            Set<String> offers = new HashSet<>();
            while (offers.size() < 3) {
                JsonNode frame = hosts.get(h).next();
                if (frame.path("type").asInt() == 4) {
                    offers.add(frame.path("data").asText());
                }
            }
            assertEquals(3, offers.size());
        }
        // Everybody leaves at once: guests and hosts together.
        List<WsClient> everyone = new ArrayList<>(hosts);
        everyone.addAll(guests);
        everyone.parallelStream().forEach(WsClient::close);
        awaitEmpty();
        System.out.printf(
                "scale: 1000 connections, 250 lobbies, join+relay+leave, consistent afterwards, %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Reads a client's frames up to the JOIN that confirms it is in its lobby. */
    private static void awaitJoined(WsClient client) {
        while (client.next().path("type").asInt() != MessageType.JOIN.code()) {
            // its ICE servers, resume token and PEER_CONNECTs come first
        }
    }

    @Test
    void hostAndJoinerLeavingAtTheSameInstantLeaveNothingBehind() throws Exception {
        for (int round = 0; round < 20; round++) {
            WsClient host = WsClient.connect(gateway.url());
            WsClient guest = WsClient.connect(gateway.url());
            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID, 1, "true");
            String lobby = host.expect(MessageType.JOIN).path("data").asText();
            guest.send(MessageType.JOIN, 0, lobby);
            guest.expect(MessageType.ID);
            CountDownLatch go = new CountDownLatch(1);
            Thread a =
                    new Thread(
                            () -> {
                                await(go);
                                host.abort();
                            });
            Thread b =
                    new Thread(
                            () -> {
                                await(go);
                                guest.abort();
                            });
            a.start();
            b.start();
            go.countDown();
            a.join();
            b.join();
        }
        awaitEmpty();
    }

    @Test
    void aSealRacingJoinsEitherAdmitsOrRefusesEachOneNeverHalfway() throws Exception {
        for (int round = 0; round < 10; round++) {
            try (WsClient host = WsClient.connect(gateway.url())) {
                host.send(MessageType.JOIN, 0, "");
                host.expect(MessageType.ID, 1, "true");
                String lobby = host.expect(MessageType.JOIN).path("data").asText();
                List<WsClient> joiners = connect(6);
                joiners.forEach(j -> j.send(MessageType.JOIN, 0, lobby));
                host.send(MessageType.SEAL, 0, "");
                int admitted = 0;
                for (WsClient j : joiners) {
                    Outcome outcome = outcome(j);
                    if (outcome.admitted()) {
                        admitted++;
                        // admitted before the seal: it must then hear the SEAL like everyone else
                        if (!outcome.sawSeal()) {
                            JsonNode frame;
                            do {
                                frame = j.next();
                            } while (frame.path("type").asInt() != 7);
                        }
                    } else {
                        assertEquals("Lobby is sealed", outcome.reason());
                    }
                }
                // The host hears of exactly the admitted joiners (an announcement may trail the
                // SEAL).
                int connects = 0;
                String raw;
                while ((raw = host.nextRaw(Duration.ofMillis(700))) != null) {
                    connects += raw.contains("\"type\":2,") ? 1 : 0;
                }
                assertEquals(
                        admitted, connects, "PEER_CONNECTs the host got, against joiners admitted");
                joiners.forEach(WsClient::abort);
            }
        }
    }

    /**
     * How a JOIN ended: admitted (the JOIN confirmation came) with its id, or refused with a
     * reason.
     */
    record Outcome(boolean admitted, int id, String reason, boolean sawSeal) {}

    /**
     * Reads a joiner's frames up to its JOIN confirmation or its ERROR. (A joiner racing others for
     * the last seat may be told its ID and then refused: the ID goes out before the join commits.)
     */
    static Outcome outcome(WsClient joiner) {
        int id = 0;
        boolean sawSeal = false;
        while (true) {
            JsonNode frame = joiner.next();
            switch (frame.path("type").asInt()) {
                case 1 -> id = frame.path("id").asInt();
                case 7 -> sawSeal = true; // a SEAL may overtake the joiner's own JOIN confirmation
                case 0 -> {
                    return new Outcome(true, id, null, sawSeal);
                }
                case 100 -> {
                    return new Outcome(false, id, frame.path("data").asText(), sawSeal);
                }
                default -> {}
            }
        }
    }

    static JsonNode nextOrNull(WsClient ws) {
        String raw = ws.nextRaw(WsClient.WAIT);
        try {
            return raw == null
                    ? null
                    : new com.fasterxml.jackson.databind.ObjectMapper().readTree(raw);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitEmpty() throws InterruptedException {
        TestGateways.awaitNothingLeft(gateway, Duration.ofSeconds(60));
    }
}
