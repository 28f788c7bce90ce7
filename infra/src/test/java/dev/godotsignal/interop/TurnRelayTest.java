package dev.godotsignal.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.Coturn;
import dev.godotsignal.testing.GodotDemoClient;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.NativeGodotPeer;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WebPeer;
import dev.godotsignal.turn.TurnCredentials;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Players behind strict NATs: a real coturn on loopback (use-auth-secret) and peers that may only
 * use relayed candidates. Our server hands out the credentials (ICE_SERVERS after ID); a native and
 * a web peer connect through the relay with them; coturn refuses forged and expired ones.
 */
class TurnRelayTest {
    static final String SECRET = "turn-secret-for-tests-only";
    static Coturn coturn;
    static int turnPort;
    static LocalGateway gateway;
    static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Coturn.installed(), "no coturn on this machine: apt-get install coturn");
        assumeTrue(
                HeadlessChromium.executable().isPresent(),
                "no Chromium on this machine: apt-get install chromium chromium-driver");
        assumeTrue(
                NativeGodotPeer.available(),
                "webrtc-java's native library does not load on this platform");
        coturn = Coturn.start(SECRET, "coturn.log");
        turnPort = coturn.port();
        gateway =
                LocalGateway.start(
                        TestGateways.options(
                                        coturn.gatewayParameters("/godot-signaling/turn-secret"))
                                .withSecrets(Map.of("/godot-signaling/turn-secret", SECRET)));
        chromium = HeadlessChromium.launch();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    @Test
    void aNativeAndAWebPeerConnectThroughTheRelayWithCredentialsFromOurServer() throws Exception {
        WebPeer web =
                WebPeer.join(
                        chromium,
                        gateway,
                        "",
                        true,
                        "{ iceServers: [], iceTransportPolicy: 'relay' }");
        NativeGodotPeer nativePeer =
                NativeGodotPeer.joinRelayOnly(gateway.url(), web.lobby, List.of());
        try {
            GodotDemoClient.await("native peer joined", () -> nativePeer.lobby != null);
            NativeGodotPeer.Link link = nativePeer.awaitOpen(1);
            web.awaitOpen(nativePeer.peerId);
            nativePeer.send(1, 1, "over TURN, native to web");
            web.awaitMessage(nativePeer.peerId + ":1:over TURN, native to web");
            web.send(nativePeer.peerId, 1, "over TURN, web to native");
            GodotDemoClient.await(
                    "web to native", () -> link.received.contains("1:over TURN, web to native"));
            // The pair in use is relayed on the web side: the only kind of candidate it could
            // gather.
            String type =
                    web.page
                            .eval(
                                    """
                    (async () => {
                      const stats = await tc.peerConnection(%d).getStats();
                      let pair; stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
                      return stats.get(pair.localCandidateId).candidateType;
                    })()"""
                                            .formatted(nativePeer.peerId))
                            .asText();
            assertEquals("relay", type, "the data channel runs through coturn");
        } finally {
            nativePeer.close();
        }
    }

    @Test
    void coturnRefusesForgedAndExpiredCredentialsAndAcceptsOurs() throws Exception {
        TurnCredentials ours =
                new TurnCredentials(
                        SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(10));
        TurnCredentials.Credential valid = ours.issue("probe", Instant.now());
        TurnCredentials.Credential expired =
                new TurnCredentials(
                                SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(-10))
                        .issue("probe", Instant.now());
        TurnCredentials.Credential forged =
                new TurnCredentials(
                                "not-the-secret".getBytes(StandardCharsets.UTF_8),
                                Duration.ofMinutes(10))
                        .issue("probe", Instant.now());
        assertTrue(
                relayCandidates(valid) > 0, "a credential from our server gets a relay allocation");
        assertEquals(0, relayCandidates(forged), "a forged password is refused");
        assertEquals(0, relayCandidates(expired), "an expired username is refused");
    }

    /** Gathers with a relay-only policy and counts the relayed candidates coturn allocated. */
    static int relayCandidates(TurnCredentials.Credential credential) throws Exception {
        NativeGodotPeer.available();
        RTCIceServer server = new RTCIceServer();
        server.urls = List.of("turn:127.0.0.1:" + turnPort + "?transport=udp");
        server.username = credential.username();
        server.password = credential.password();
        RTCConfiguration config = new RTCConfiguration();
        config.iceServers = List.of(server);
        config.iceTransportPolicy = RTCIceTransportPolicy.RELAY;
        List<String> candidates = new CopyOnWriteArrayList<>();
        RTCPeerConnection pc =
                NativeGodotPeer.factoryForTests()
                        .createPeerConnection(
                                config,
                                new PeerConnectionObserver() {
                                    @Override
                                    public void onIceCandidate(RTCIceCandidate candidate) {
                                        candidates.add(candidate.sdp);
                                    }
                                });
        try {
            RTCDataChannelInit init = new RTCDataChannelInit();
            init.negotiated = true;
            init.id = 1;
            pc.createDataChannel("probe", init);
            pc.createOffer(
                    new RTCOfferOptions(),
                    new CreateSessionDescriptionObserver() {
                        @Override
                        public void onSuccess(RTCSessionDescription description) {
                            pc.setLocalDescription(
                                    description,
                                    new SetSessionDescriptionObserver() {
                                        @Override
                                        public void onSuccess() {}

                                        @Override
                                        public void onFailure(String error) {}
                                    });
                        }

                        @Override
                        public void onFailure(String error) {}
                    });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (candidates.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            return (int) candidates.stream().filter(c -> c.contains("typ relay")).count();
        } finally {
            pc.close();
        }
    }
}
