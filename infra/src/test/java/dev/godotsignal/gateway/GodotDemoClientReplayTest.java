package dev.godotsignal.gateway;

import static dev.godotsignal.testing.GodotDemoClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.testing.GodotDemoClient;
import dev.godotsignal.testing.TestGateways;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full sessions of Godot 4 demo clients against the local gateway: every frame they receive is one
 * their parser accepts, every pair completes offer/answer/candidates, and SEAL ends the signaling.
 * With {@code -Dsignaling.url=ws://…} (or {@code wss://} of a deployed stack) the same sessions run
 * against that server instead: {@code mvn -pl functions,infra test -Dtest=GodotDemoClientReplayTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dsignaling.url=ws://localhost:9080} (start the server
 * with a seal delay under 10 s, e.g. {@code ./run-local --param SealCloseDelaySeconds=1}).
 */
public class GodotDemoClientReplayTest {
    static LocalGateway gateway;
    static URI url;

    @BeforeAll
    static void start() throws Exception {
        String external = System.getProperty("signaling.url");
        if (external != null && !external.isBlank()) {
            url = URI.create(external);
        } else {
            gateway = TestGateways.start(Map.of("SealCloseDelaySeconds", "1"));
            url = gateway.url();
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @ParameterizedTest(name = "mesh={0}")
    @ValueSource(booleans = {true, false})
    void aFullSessionOfDemoClients(boolean mesh) {
        fullSession(url, mesh);
    }

    /**
     * One host and three guests through a whole session, checked as above (also run against
     * deployed stacks).
     */
    public static void fullSession(URI url, boolean mesh) {
        List<GodotDemoClient> clients = new ArrayList<>();
        try {
            GodotDemoClient host = GodotDemoClient.host(url, mesh);
            clients.add(host);
            await("host's lobby", () -> host.lobby != null);
            assertEquals(1, host.uniqueId);
            for (int i = 0; i < 3; i++) {
                GodotDemoClient guest = GodotDemoClient.join(url, mesh, host.lobby);
                clients.add(guest);
                await("guest joined", () -> guest.lobby != null);
            }
            for (GodotDemoClient c : clients) {
                // Who each one must have met: everyone in a mesh, only the host for a client.
                Set<Integer> expected = new java.util.HashSet<>();
                for (GodotDemoClient other : clients) {
                    if (other != c && (mesh || c.uniqueId == 1 || other.uniqueId == 1)) {
                        expected.add(other.uniqueId);
                    }
                }
                await("peers of " + c.uniqueId, () -> c.peers.equals(expected));
                for (int other : expected) {
                    if (other > c.uniqueId) {
                        await(
                                c.uniqueId + " got the offer of " + other,
                                () -> c.offersFrom.containsKey(other));
                    } else {
                        await(
                                c.uniqueId + " got the answer of " + other,
                                () -> c.answersFrom.containsKey(other));
                    }
                    await(
                            c.uniqueId + " got candidates of " + other,
                            () -> c.candidatesFrom.getOrDefault(other, List.of()).size() == 3);
                }
            }
            host.seal();
            for (GodotDemoClient c : clients) {
                await("SEAL at " + c.uniqueId, () -> c.sealed);
            }
            for (GodotDemoClient c : clients) {
                await("socket of " + c.uniqueId + " closed after the seal delay", c::socketClosed);
            }
            for (GodotDemoClient c : clients) {
                assertEquals(List.of(), c.rejected, "frames the Godot client would reject");
                assertEquals(
                        List.of(), c.earlyCandidates, "candidates that overtook their description");
                assertTrue(
                        c.disconnectedPeers.isEmpty(),
                        "no PEER_DISCONNECT around a seal: " + c.disconnectedPeers);
                assertTrue(
                        c.received.stream().noneMatch(f -> f.contains("\"type\":100")),
                        "no extension frames");
            }
        } finally {
            clients.forEach(GodotDemoClient::close);
        }
    }
}
