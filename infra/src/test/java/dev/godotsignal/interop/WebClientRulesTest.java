package dev.godotsignal.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WebPeer;
import dev.godotsignal.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rules of the web client that the happy path may not exercise, driven through the real gateway by
 * a hand-played peer that sends frames in the order under test.
 */
class WebClientRulesTest {
    static LocalGateway gateway;
    static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                HeadlessChromium.executable().isPresent(),
                "no Chromium on this machine: apt-get install chromium chromium-driver");
        gateway = TestGateways.start(Map.of());
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
    }

    @Test
    void candidatesThatArriveBeforeTheOfferAreHeldAndApplied() throws Exception {
        WebPeer web = WebPeer.join(chromium, gateway, "", true); // the host, id 1
        // A second RTCPeerConnection in the page plays the remote peer: a real offer and real
        // candidates.
        JsonNode remote =
                web.page.eval(
                        """
                (async () => {
                  const pc = new RTCPeerConnection({ iceServers: [] });
                  window.remote = pc;
                  pc.createDataChannel('reliable', { negotiated: true, id: 1 });
                  const candidates = [];
                  const done = new Promise(r => pc.onicecandidate = e => e.candidate ? candidates.push(e.candidate) : r());
                  const offer = await pc.createOffer(); // no candidates in it: they travel separately
                  await pc.setLocalDescription(offer);
                  await done;
                  return { sdp: offer.sdp,
                           candidates: candidates.filter(c => c.candidate).map(c => ({ mid: c.sdpMid, index: c.sdpMLineIndex, candidate: c.candidate })) };
                })()""");
        assertTrue(remote.get("candidates").size() > 0, "the remote side gathered candidates");
        try (WsClient player = WsClient.connect(gateway.url())) {
            player.send(MessageType.JOIN, 0, web.lobby);
            int playerId = player.expect(MessageType.ID).path("id").asInt();
            player.expect(MessageType.PEER_CONNECT, 1, "");
            player.expect(MessageType.JOIN, 0, web.lobby);
            web.page.waitFor("tc.peerConnection(" + playerId + ")", WsClient.WAIT);
            // Candidates first, the offer after: the order API Gateway may produce.
            for (JsonNode c : remote.get("candidates")) {
                player.send(
                        MessageType.CANDIDATE,
                        1,
                        "\n"
                                + c.get("mid").asText()
                                + "\n"
                                + c.get("index").asInt()
                                + "\n"
                                + c.get("candidate").asText());
            }
            Thread.sleep(300);
            player.send(MessageType.OFFER, 1, remote.get("sdp").asText());
            // The gateway may deliver the web client's own candidates around its answer: skip them.
            JsonNode frame = player.next();
            while (frame.path("type").asInt() == 6) {
                frame = player.next();
            }
            assertEquals(5, frame.path("type").asInt(), "an ANSWER: " + frame);
            String answer = frame.path("data").asText();
            assertTrue(answer.startsWith("v=0"), "the web client answered");
            // Every early candidate reached the connection: libwebrtc lists each remote candidate
            // in its stats.
            String remoteCandidates =
                    "(async () => { let n = 0; (await tc.peerConnection("
                            + playerId
                            + ").getStats()).forEach(r => { if (r.type === 'remote-candidate') n++; }); return n; })()";
            web.page.waitFor(
                    remoteCandidates + ".then(n => n >= " + remote.get("candidates").size() + ")",
                    WsClient.WAIT);
        }
    }

    @Test
    void theLargerIdOffersAndTheHostNeverDoes() throws Exception {
        WebPeer web = WebPeer.join(chromium, gateway, "", true);
        try (WsClient player = WsClient.connect(gateway.url())) {
            player.send(MessageType.JOIN, 0, web.lobby);
            player.expect(MessageType.ID);
            player.expect(MessageType.PEER_CONNECT, 1, "");
            player.expect(MessageType.JOIN, 0, web.lobby);
            // The web host (1) must wait for the joiner's offer, not send one.
            player.expectNothing(java.time.Duration.ofMillis(800));
        }
        WebPeer guest = WebPeer.join(chromium, gateway, web.lobby.isEmpty() ? "" : web.lobby, true);
        assertTrue(guest.peerId > 1);
    }
}
