package dev.godotsignal.godot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.auth.Tokens;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.Coturn;
import dev.godotsignal.testing.GodotDemoClient;
import dev.godotsignal.testing.GodotInstance;
import dev.godotsignal.testing.NativeGodotPeer;
import dev.godotsignal.testing.TestGateways;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The addon in the real Godot engine against a deployment with connect tokens and a TURN relay (a
 * real coturn whose credentials our server hands out in ICE_SERVERS).
 */
class GodotEngineAuthAndTurnTest extends GodotEngineTestBase {
    static final String TOKEN_SECRET = "token-secret-used-only-in-tests!";
    static final String TURN_SECRET = "turn-secret-for-tests-only";
    static final Tokens TOKENS = new Tokens(TOKEN_SECRET.getBytes(StandardCharsets.UTF_8));
    static Coturn coturn;

    @BeforeAll
    static void start() throws Exception {
        GodotEngineSupport.assumeEngine();
        assumeTrue(Coturn.installed(), "no coturn on this machine: apt-get install coturn");
        assumeTrue(
                NativeGodotPeer.available(),
                "webrtc-java's native library does not load on this platform");
        coturn = Coturn.start(TURN_SECRET, "coturn-godot.log");
        Map<String, String> parameters =
                new HashMap<>(coturn.gatewayParameters("/godot-signaling/turn-secret"));
        parameters.put("AuthSecretParameterName", "/godot-signaling/token-secret");
        openBrowserOn(
                LocalGateway.start(
                        TestGateways.options(parameters)
                                .withSecrets(
                                        Map.of(
                                                "/godot-signaling/token-secret",
                                                TOKEN_SECRET,
                                                "/godot-signaling/turn-secret",
                                                TURN_SECRET))));
    }

    @AfterAll
    static void stopCoturn() {
        if (coturn != null) {
            coturn.close();
        }
    }

    static String token(String player, Duration ttl) {
        return TOKENS.mint(player, ttl, Optional.empty(), Instant.now());
    }

    @Test
    void aValidTokenConnectsAnExpiredOrMissingOneGetsTheErrorSignalAndNoConnection()
            throws Exception {
        GodotInstance godot = godot("tokens");
        godot.command("join - mesh");
        assertEquals("error Could not connect (refused or unreachable)", godot.awaitEvent("error"));
        godot.awaitEvent("disconnected");

        godot.command("token " + token("player-1", Duration.ofMinutes(-5)));
        godot.command("join - mesh");
        assertEquals("error Could not connect (refused or unreachable)", godot.awaitEvent("error"));
        godot.awaitEvent("disconnected");
        assertTrue(godot.event("joined").isEmpty(), "no connection without a valid token");
        assertEquals(0, gateway.openConnections());

        godot.command("token " + token("player-1", Duration.ofMinutes(5)));
        godot.command("join - mesh");
        assertEquals(1, GodotInstance.peerIdOf(godot.awaitEvent("joined")));
        assertTrue(
                godot.lines().stream().filter(l -> l.startsWith("@error")).count() == 2,
                "no error with a valid token");
    }

    @Test
    void aRelayOnlyGodotPeerConnectsToANativePeerThroughTurn() throws Exception {
        GodotInstance godot = godot("relay-only");
        godot.command("token " + token("godot-player", Duration.ofMinutes(5)));
        godot.command("ice_policy relay");
        godot.command("join - mesh");
        String lobby = GodotInstance.lobbyOf(godot.awaitEvent("joined"));
        URI nativeUrl =
                URI.create(
                        gateway.url()
                                + "/?token="
                                + URLEncoder.encode(
                                        token("native-player", Duration.ofMinutes(5)),
                                        StandardCharsets.UTF_8));
        NativeGodotPeer peer = NativeGodotPeer.join(nativeUrl, lobby);
        natives.add(peer);
        GodotDemoClient.await("native peer joined", () -> peer.lobby != null);
        godot.awaitAnyEvent("peer_up " + peer.peerId, Duration.ofSeconds(30));
        NativeGodotPeer.Link link = peer.awaitOpen(1);
        GodotEngineTest.exchangeBytes(godot, 1, peer, link, "over-turn");
        // The Godot side used the TURN credentials our server sent, and a relayed candidate carries
        // the data.
        String type =
                godot.eval(
                                """
                (async () => {
                  const pc = window.godotHarness.peerConnections.at(-1);
                  const stats = await pc.getStats();
                  let pair; stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
                  return stats.get(pair.localCandidateId).candidateType;
                })()""")
                        .asText();
        assertEquals("relay", type, "the data channel runs through coturn");
        String policy =
                godot.eval(
                                "window.godotHarness.peerConnections.at(-1).getConfiguration().iceTransportPolicy")
                        .asText();
        assertEquals("relay", policy);
    }
}
