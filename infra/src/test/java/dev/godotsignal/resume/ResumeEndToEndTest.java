package dev.godotsignal.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.GodotDemoClient;
import dev.godotsignal.testing.LocalGatewayExtension;
import dev.godotsignal.testing.Resumes;
import dev.godotsignal.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resuming through the local gateway and DynamoDB Local (docs/PROTOCOL.md, "Resuming after a
 * dropped socket"): the gateway drops a socket as a network would (close code 1006 on both ends),
 * the peer is suspended, and a new connection with its token picks up where it left off. A 3-second
 * grace keeps the expiry cases short.
 */
class ResumeEndToEndTest {
    static final Duration GRACE = Duration.ofSeconds(3);

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY =
            LocalGatewayExtension.withParameters(
                    Map.of("ResumeGraceSeconds", String.valueOf(GRACE.toSeconds())));

    /** A joined ext peer with its latest token. */
    record Peer(WsClient ws, int peerId, String lobby, String token) {}

    static LocalGateway gateway() {
        return GATEWAY.get();
    }

    static Peer host() {
        WsClient ws = WsClient.connectWithExtensions(gateway().url());
        ws.send(MessageType.JOIN, 0, "");
        int id = ws.expect(MessageType.ID).get("id").asInt();
        String token = ws.expect(MessageType.RESUME).get("data").asText();
        String lobby = ws.expect(MessageType.JOIN).get("data").asText();
        return new Peer(ws, id, lobby, token);
    }

    static Peer join(Peer host) {
        WsClient ws = WsClient.connectWithExtensions(gateway().url());
        ws.send(MessageType.JOIN, 0, host.lobby());
        int id = ws.expect(MessageType.ID).get("id").asInt();
        String token = ws.expect(MessageType.RESUME).get("data").asText();
        ws.expect(MessageType.PEER_CONNECT, 1, "");
        for (JsonNode frame = ws.next();
                frame.get("type").asInt() != MessageType.JOIN.code();
                frame = ws.next()) {
            assertEquals(MessageType.PEER_CONNECT.code(), frame.get("type").asInt(), "" + frame);
        }
        host.ws().expect(MessageType.PEER_CONNECT, id, "");
        return new Peer(ws, id, host.lobby(), token);
    }

    /** The network drops the peer's socket; the client sees an abnormal close. */
    static void drop(Peer peer) {
        gateway().dropConnection(Resumes.connectionOf(gateway(), peer.lobby(), peer.peerId()));
        int code = peer.ws().awaitClose();
        assertEquals(1006, code, "no close handshake: an abnormal closure");
    }

    static WsClient resume(Peer peer) {
        return WsClient.connect(Resumes.resumeUrl(gateway(), "ext=1", peer.token()));
    }

    @Test
    void aGuestsBlipIsInvisibleAndWhatWasSentToItArrivesInOrder() {
        Peer host = host();
        Peer guest = join(host);
        guest.ws().send(MessageType.OFFER, 1, "offer");
        host.ws().expect(MessageType.OFFER, guest.peerId(), "offer");
        drop(guest);
        host.ws().send(MessageType.ANSWER, guest.peerId(), "answer");
        host.ws().send(MessageType.CANDIDATE, guest.peerId(), "\n0\n0\ncandidate-1");
        host.ws().send(MessageType.CANDIDATE, guest.peerId(), "\n0\n0\ncandidate-2");
        host.ws().expectNothing(Duration.ofMillis(500)); // no PEER_DISCONNECT, no error
        long started = System.nanoTime();
        try (WsClient back = resume(guest)) {
            back.expect(MessageType.ID, guest.peerId(), "true");
            JsonNode token = back.expect(MessageType.RESUME);
            assertEquals(guest.peerId(), token.get("id").asInt());
            assertNotEquals(guest.token(), token.get("data").asText(), "a new token");
            assertEquals(2, token.get("received").asLong(), "JOIN and OFFER had arrived");
            back.expect(MessageType.JOIN, 0, guest.lobby());
            long latencyMs = (System.nanoTime() - started) / 1_000_000;
            back.expect(MessageType.ANSWER, 1, "answer");
            // Candidates keep no order among themselves (API Gateway runs a connection's frames
            // concurrently); both come, after the description.
            assertEquals(
                    java.util.Set.of("\n0\n0\ncandidate-1", "\n0\n0\ncandidate-2"),
                    java.util.Set.of(
                            back.expect(MessageType.CANDIDATE).get("data").asText(),
                            back.expect(MessageType.CANDIDATE).get("data").asText()));
            System.out.printf("resume latency (new connection to JOIN): %d ms%n", latencyMs);
            assertEquals(403, status("ext=1", guest.token()), "its replacement was delivered");
            back.send(MessageType.CANDIDATE, 1, "\n0\n0\nafter-resume");
            host.ws().expect(MessageType.CANDIDATE, guest.peerId(), "\n0\n0\nafter-resume");
            host.ws().send(MessageType.CANDIDATE, guest.peerId(), "\n0\n0\ncandidate-3");
            back.expect(MessageType.CANDIDATE, 1, "\n0\n0\ncandidate-3");
        }
        host.ws().close();
    }

    @Test
    void aHostsBlipMidNegotiationKeepsTheLobbyAndAJoinersOfferWaitsForIt() {
        Peer host = host();
        drop(host);
        WsClient joiner = WsClient.connectWithExtensions(gateway().url());
        joiner.send(MessageType.JOIN, 0, host.lobby());
        int joinerId = joiner.expect(MessageType.ID).get("id").asInt();
        joiner.expect(MessageType.RESUME);
        joiner.expect(MessageType.PEER_CONNECT, 1, "");
        joiner.expect(MessageType.JOIN, 0, host.lobby());
        joiner.send(MessageType.OFFER, 1, "offer-while-the-host-is-away");
        joiner.expectNothing(Duration.ofMillis(300));
        try (WsClient back = resume(host)) {
            back.expect(MessageType.ID, 1, "true");
            back.expect(MessageType.RESUME);
            back.expect(MessageType.PEER_CONNECT, joinerId, "");
            back.expect(MessageType.JOIN, 0, host.lobby());
            back.expect(MessageType.OFFER, joinerId, "offer-while-the-host-is-away");
            back.send(MessageType.ANSWER, joinerId, "answer");
            joiner.expect(MessageType.ANSWER, 1, "answer");
        }
        joiner.close();
    }

    @Test
    void aGuestWhoseGraceEndsIsAnnouncedAsGone() {
        Peer host = host();
        Peer guest = join(host);
        drop(guest);
        host.ws().expectNothing(GRACE.minusMillis(1500));
        host.ws().expect(MessageType.PEER_DISCONNECT, guest.peerId(), "");
        assertEquals(
                410,
                Resumes.handshakeStatus(Resumes.resumeUrl(gateway(), "ext=1", guest.token())),
                "too late");
        host.ws().close();
    }

    @Test
    void aHostWhoseGraceEndsEndsTheLobby() {
        Peer host = host();
        Peer guest = join(host);
        drop(host);
        guest.ws().expectNothing(GRACE.minusMillis(1500));
        guest.ws().expect(MessageType.ERROR, 4000, ErrorReason.HOST_DISCONNECTED.text());
        guest.ws().awaitClose();
    }

    @Test
    void aPeerJoiningAndOneLeavingDuringTheSuspensionAreToldOnResume() {
        Peer host = host();
        Peer stays = join(host);
        Peer leaves = join(host);
        stays.ws().expect(MessageType.PEER_CONNECT, leaves.peerId(), "");
        drop(stays);
        Peer comes = join(host);
        leaves.ws().expect(MessageType.PEER_CONNECT, comes.peerId(), "");
        leaves.ws().close();
        host.ws().expect(MessageType.PEER_DISCONNECT, leaves.peerId(), "");
        comes.ws().expect(MessageType.PEER_DISCONNECT, leaves.peerId(), "");
        // Both announcements are kept by now (the departure's own invocation keeps it last).
        GodotDemoClient.await(
                "two frames kept",
                () -> Resumes.keptCount(gateway(), stays.lobby(), stays.peerId()) == 2);
        try (WsClient back = resume(stays)) {
            back.expect(MessageType.ID, stays.peerId(), "true");
            back.expect(MessageType.RESUME);
            back.expect(MessageType.PEER_CONNECT, comes.peerId(), "");
            back.expect(MessageType.PEER_DISCONNECT, leaves.peerId(), "");
            back.expect(MessageType.JOIN, 0, host.lobby());
            back.expectNothing(Duration.ofMillis(300));
        }
        host.ws().close();
    }

    @Test
    void badResumesAreRefusedAtTheHandshake() throws Exception {
        Peer host = host();
        Peer guest = join(host);
        drop(guest);
        String[] parts = guest.token().split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + parts[2] + "." + "A".repeat(22);
        String hostsSeat = parts[0] + "." + parts[1] + ".1." + parts[3];
        assertEquals(403, status("ext=1", forged), "forged secret");
        assertEquals(403, status("ext=1", "garbage"), "not a token");
        assertEquals(403, status("ext=1", hostsSeat), "another peer's seat");
        assertEquals(403, status("ext=1&game=racing", guest.token()), "another game");
        assertEquals(403, status("", guest.token()), "a demo client cannot resume");
        // Two resumes of one token race: whichever way it goes, the peer ends up on exactly one
        // live connection (a loser is refused, or taken over and closed), never two.
        URI url = Resumes.resumeUrl(gateway(), "ext=1", guest.token());
        List<CompletableFuture<WsClient>> racers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            racers.add(
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return WsClient.connect(url);
                                } catch (RuntimeException refused) {
                                    return null;
                                }
                            }));
        }
        List<WsClient> connected =
                racers.stream().map(CompletableFuture::join).filter(c -> c != null).toList();
        assertTrue(!connected.isEmpty(), "one of them resumes");
        String current = Resumes.connectionOf(gateway(), guest.lobby(), guest.peerId());
        GodotDemoClient.await(
                "one live connection for the peer",
                () -> connected.stream().filter(c -> !c.isClosed()).count() == 1);
        assertTrue(gateway().connectionIds().contains(current));
        connected.forEach(WsClient::close);
        host.ws().close();
    }

    @Test
    void aDemoClientsDropIsStillAnImmediateLeave() {
        Peer host = host();
        WsClient demo = WsClient.connect(gateway().url());
        demo.send(MessageType.JOIN, 0, host.lobby());
        int demoId = demo.expect(MessageType.ID).get("id").asInt();
        host.ws().expect(MessageType.PEER_CONNECT, demoId, "");
        gateway().dropConnection(Resumes.connectionOf(gateway(), host.lobby(), demoId));
        host.ws().expect(MessageType.PEER_DISCONNECT, demoId, ""); // within WAIT, not the grace
        host.ws().close();
    }

    @Test
    void aCloseTheClientAskedForIsALeaveAtOnce() {
        Peer host = host();
        Peer guest = join(host);
        guest.ws().close(); // 1000, as Godot's WebSocketPeer.close() and our clients send
        host.ws().expect(MessageType.PEER_DISCONNECT, guest.peerId(), "");
        assertEquals(410, status("ext=1", guest.token()));
        host.ws().close();
    }

    static int status(String query, String token) {
        return Resumes.handshakeStatus(Resumes.resumeUrl(gateway(), query, token));
    }
}
