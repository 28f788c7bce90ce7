package dev.godotsignal.chaos;

import static dev.godotsignal.testing.GodotDemoClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.store.Items;
import dev.godotsignal.testing.GodotDemoClient;
import dev.godotsignal.testing.TestGateways;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full Godot demo client sessions with the local gateway in chaos mode (fixed seeds): frames of a
 * connection run out of order (random delays), 5 % of the handlers' DynamoDB calls are throttled,
 * 30 % of $disconnect events are lost, 5 % of invocations kill their execution environment. Every
 * relayed frame still arrives exactly once, no candidate overtakes its description, every frame is
 * one the Godot client accepts, and once everybody has left nothing is left behind. The same
 * sessions with dropped and resumed connections are {@link ChaosResumeEndToEndTest}.
 */
class ChaosEndToEndTest {

    // The seeds run side by side, each on its own gateway with its own faults.
    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 23, 47})
    void demoSessionsUnderChaos(long seed) throws Exception {
        ChaosOptions chaos = ChaosOptions.standard(seed);
        try (LocalGateway gateway = start(chaos)) {
            for (boolean mesh : new boolean[] {true, false}) {
                session(gateway, mesh, mesh ? 4 : 3, false);
            }
            // 30 % of the $disconnects were lost: the liveness checks must still clear everything.
            TestGateways.awaitNothingLeft(gateway, java.time.Duration.ofSeconds(30));
            long throttles = gateway.chaos().throttles();
            assertTrue(throttles > 0, "throttles were injected and retried");
            System.out.println(
                    "chaos "
                            + chaos
                            + ": sessions passed, "
                            + throttles
                            + " DynamoDB throttles injected and retried");
        }
    }

    /**
     * A gateway in chaos mode with short seal and liveness timers. A connection is first checked at
     * its join deadline (one that has sent a frame gets a second), then every second: a lost
     * $disconnect is found within about three seconds of the connection opening.
     */
    static LocalGateway start(ChaosOptions chaos) throws Exception {
        return start(chaos, Map.of());
    }

    static LocalGateway start(ChaosOptions chaos, Map<String, String> parameters) throws Exception {
        Map<String, String> all =
                new HashMap<>(
                        Map.of(
                                "SealCloseDelaySeconds", "1",
                                "JoinDeadlineSeconds", "2",
                                "LivenessCheckSeconds", "1"));
        all.putAll(parameters);
        return LocalGateway.start(TestGateways.options(all).withChaos(chaos));
    }

    /** One session to SEAL and its checks; returns how many times its clients resumed. */
    static int session(LocalGateway gateway, boolean mesh, int size, boolean resuming) {
        List<GodotDemoClient> clients = new ArrayList<>();
        try {
            GodotDemoClient host =
                    resuming
                            ? GodotDemoClient.resuming(gateway.url(), mesh, "")
                            : GodotDemoClient.host(gateway.url(), mesh);
            clients.add(host);
            await("host's lobby", () -> host.lobby != null);
            for (int i = 1; i < size; i++) {
                GodotDemoClient guest =
                        resuming
                                ? GodotDemoClient.resuming(gateway.url(), mesh, host.lobby)
                                : GodotDemoClient.join(gateway.url(), mesh, host.lobby);
                clients.add(guest);
                await("guest joined", () -> guest.lobby != null);
            }
            long lastOpened = System.nanoTime(); // every client's socket opened before this
            for (GodotDemoClient c : clients) {
                Set<Integer> expected = new HashSet<>();
                for (GodotDemoClient other : clients) {
                    if (other != c && (mesh || c.uniqueId == 1 || other.uniqueId == 1)) {
                        expected.add(other.uniqueId);
                    }
                }
                await("peers of " + c.uniqueId, () -> c.peers.equals(expected));
                for (int other : expected) {
                    await(
                            c.uniqueId + " got the description of " + other,
                            () ->
                                    c.offersFrom.containsKey(other)
                                            || c.answersFrom.containsKey(other));
                    await(
                            c.uniqueId + " got the candidates of " + other,
                            () -> c.candidatesFrom.getOrDefault(other, List.of()).size() >= 3);
                }
            }
            if (resuming) {
                // The network drops a chosen connection 1 to 5 s after it opened: a session that
                // signals faster than that would seal before any drop and resume nothing. Hold
                // the SEAL until a client has resumed or every drop's time has passed.
                long dropsDone =
                        lastOpened
                                + ChaosOptions.DROP_AFTER.plus(ChaosOptions.DROP_WINDOW).toNanos();
                await(
                        "a resume, or the end of the drop window",
                        () ->
                                clients.stream().anyMatch(c -> c.resumeCount > 0)
                                        || System.nanoTime() > dropsDone);
            }
            host.seal();
            for (GodotDemoClient c : clients) {
                await("SEAL at " + c.uniqueId, () -> c.sealed);
                await("signaling of " + c.uniqueId + " closed", c::socketClosed);
            }
            for (GodotDemoClient c : clients) {
                assertEquals(List.of(), c.rejected, "frames the Godot client would reject");
                assertEquals(
                        List.of(), c.earlyCandidates, "candidates that overtook their description");
                c.candidatesFrom.forEach(
                        (from, list) ->
                                assertEquals(
                                        3,
                                        list.size(),
                                        "candidates from " + from + " (lost or duplicated)"));
                c.relayedCounts.forEach(
                        (key, count) ->
                                assertEquals(1, count, "relayed frame " + key + " duplicated"));
                assertTrue(
                        c.disconnectedPeers.isEmpty(),
                        "no PEER_DISCONNECT in a healthy session: " + c.disconnectedPeers);
            }
            return clients.stream().mapToInt(c -> c.resumeCount).sum();
        } catch (AssertionError e) {
            // What each client saw, to replay the seed's story from the failure alone.
            for (GodotDemoClient c : clients) {
                System.out.println(
                        "client "
                                + c.uniqueId
                                + " peers "
                                + c.peers
                                + " resumes "
                                + c.resumeCount
                                + " (failed attempts "
                                + c.resumeAttemptsFailed
                                + ", socket "
                                + (c.socketClosed() ? "closed" : "open")
                                + ") sent "
                                + c.sent
                                + " received "
                                + c.received.stream()
                                        .map(f -> f.length() > 90 ? f.substring(0, 90) : f)
                                        .toList());
            }
            // And the server's side: the lobby's items (held, kept, the connection each member is
            // on) and every connection record (gates, counts), without the SDP and candidate text.
            var dynamo = gateway.dynamo().client();
            String lobby = clients.isEmpty() ? null : clients.get(0).lobby;
            dynamo.scan(b -> b.tableName("LobbiesTable")).items().stream()
                    .filter(i -> i.get(Items.LOBBY).s().equals(lobby))
                    .forEach(i -> System.out.println("lobby item " + brief(i)));
            dynamo.scan(b -> b.tableName("ConnectionsTable")).items().stream()
                    .forEach(i -> System.out.println("connection " + brief(i)));
            throw e;
        } finally {
            clients.forEach(GodotDemoClient::close);
        }
    }

    /** An item with long strings cut, each list as its size and its values' first characters. */
    static String brief(
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        StringBuilder out = new StringBuilder("{");
        item.forEach(
                (name, value) -> {
                    String text =
                            value.hasL()
                                    ? "L"
                                            + value.l().size()
                                            + value.l().stream()
                                                    .map(v -> v.s() == null ? "?" : cut(v.s(), 40))
                                                    .toList()
                                    : cut(String.valueOf(value), 60);
                    out.append(name).append('=').append(text).append(", ");
                });
        return out.append('}').toString();
    }

    private static String cut(String text, int most) {
        String flat = text.replace("\r", "").replace("\n", " ");
        return flat.length() > most ? flat.substring(0, most) + "…" : flat;
    }
}
