package dev.godotsignal.gateway;

import static dev.godotsignal.protocol.MessageType.ANSWER;
import static dev.godotsignal.protocol.MessageType.CANDIDATE;
import static dev.godotsignal.protocol.MessageType.ERROR;
import static dev.godotsignal.protocol.MessageType.ID;
import static dev.godotsignal.protocol.MessageType.JOIN;
import static dev.godotsignal.protocol.MessageType.OFFER;
import static dev.godotsignal.protocol.MessageType.PEER_CONNECT;
import static dev.godotsignal.protocol.MessageType.PEER_DISCONNECT;
import static dev.godotsignal.protocol.MessageType.RESUME;
import static dev.godotsignal.protocol.MessageType.SEAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.testing.LocalGatewayExtension;
import dev.godotsignal.testing.RawWebSocket;
import dev.godotsignal.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The protocol over real WebSocket connections to the local GATEWAY.get(), which runs the real
 * handlers on DynamoDB Local.
 */
class ProtocolEndToEndTest {
    static final Duration QUIET = Duration.ofMillis(700);

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY =
            LocalGatewayExtension.withParameters(
                    Map.of("SealCloseDelaySeconds", "1", "MaxPeersPerLobby", "8"));

    final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(WsClient::close);
    }

    record Peer(WsClient ws, int id) {}

    record Lobby(String name, boolean mesh, List<Peer> peers) {
        Peer host() {
            return peers.get(0);
        }
    }

    WsClient connect(boolean extensions) {
        WsClient client =
                extensions
                        ? WsClient.connectWithExtensions(GATEWAY.get().url())
                        : WsClient.connect(GATEWAY.get().url());
        clients.add(client);
        return client;
    }

    Lobby create(boolean mesh, boolean extensions) {
        WsClient host = connect(extensions);
        host.send(JOIN, mesh ? 0 : 1, "");
        host.expect(ID, 1, mesh ? "true" : "");
        if (extensions) {
            host.expect(RESUME); // an ext peer's resume token comes right after ID
        }
        String name = host.expect(JOIN).path("data").asText();
        assertTrue(name.matches("[A-Za-z0-9]{20}"), "lobby name " + name);
        return new Lobby(name, mesh, new ArrayList<>(List.of(new Peer(host, 1))));
    }

    /** Joins and checks the whole announcement: order to the joiner, and who else hears of it. */
    Peer join(Lobby lobby, boolean extensions) {
        WsClient ws = connect(extensions);
        ws.send(JOIN, 0, lobby.name());
        JsonNode id = ws.expect(ID);
        int peerId = id.path("id").asInt();
        assertEquals(
                lobby.mesh() ? "true" : "", id.path("data").asText(), "ID data tells the mode");
        assertTrue(peerId >= 2, "guest id " + peerId);
        if (extensions) {
            ws.expect(RESUME);
        }
        for (Peer existing : lobby.peers()) {
            if (lobby.mesh() || existing.id() == 1) {
                ws.expect(PEER_CONNECT, existing.id(), "");
                existing.ws().expect(PEER_CONNECT, peerId, "");
            }
        }
        ws.expect(JOIN, 0, lobby.name());
        Peer peer = new Peer(ws, peerId);
        lobby.peers().add(peer);
        return peer;
    }

    @Test
    void createsMeshAndClientServerLobbies() {
        Lobby mesh = create(true, false);
        Lobby clientServer = create(false, false);
        assertNotEquals(mesh.name(), clientServer.name());
        mesh.host().ws().expectNothing(QUIET);
    }

    @Test
    void connectsAtTheStagePathToo() {
        WsClient ws = WsClient.connect(GATEWAY.get().stageUrl());
        clients.add(ws);
        ws.send(JOIN, 0, "");
        ws.expect(ID, 1, "true");
    }

    @ParameterizedTest(name = "mesh of {0}")
    @ValueSource(ints = {2, 5, 8})
    void meshLobbyIntroducesEveryPairOnce(int size) {
        Lobby lobby = create(true, false);
        for (int i = 1; i < size; i++) {
            join(lobby, false);
        }
        Set<Integer> ids = new HashSet<>();
        lobby.peers().forEach(p -> ids.add(p.id()));
        assertEquals(size, ids.size(), "ids are unique");
        for (Peer p : lobby.peers()) {
            p.ws().expectNothing(Duration.ofMillis(100)); // no duplicate or stray PEER_CONNECT
        }
    }

    @Test
    void clientServerLobbyIntroducesOnlyHostAndClients() {
        Lobby lobby = create(false, false);
        for (int i = 0; i < 4; i++) {
            join(
                    lobby,
                    false); // join() asserts: joiner hears only of 1, only the host hears of the
            // joiner
        }
        for (Peer p : lobby.peers()) {
            p.ws().expectNothing(Duration.ofMillis(200));
        }
    }

    @Test
    void theLobbysModeWinsOverTheJoinersId() {
        Lobby lobby = create(true, false);
        WsClient ws = connect(false);
        ws.send(JOIN, 1, lobby.name()); // asks for client/server, but the lobby is a mesh
        assertEquals("true", ws.expect(ID).path("data").asText());
    }

    @Test
    void relaysEveryTypeWithTheSendersIdAndDataByteExact() throws Exception {
        Lobby lobby = create(true, false);
        Peer a = join(lobby, false);
        Peer b = join(lobby, false);
        String sdp =
                String.join(
                        "\r\n",
                        "v=0",
                        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
                        "s=-",
                        "a=msid-semantic: WMS",
                        "a=fingerprint:sha-256 AB:CD",
                        "");
        String tricky = "unicode é ü 中文 🎮 \\ back\\slash \"quoted\" \t tab \u0000 nul \u2028 sep";
        String candidate =
                "\n0\n0\ncandidate:1 1 udp 2122260223 192.168.1.2 54321 typ host generation 0";

        b.ws().send(OFFER, a.id(), sdp);
        a.ws().expect(OFFER, b.id(), sdp);
        a.ws().send(ANSWER, b.id(), tricky);
        b.ws().expect(ANSWER, a.id(), tricky);
        b.ws().send(OFFER, 1, sdp); // 1 is the host
        lobby.host().ws().expect(OFFER, b.id(), sdp);
        b.ws().send(CANDIDATE, 1, candidate);
        lobby.host().ws().expect(CANDIDATE, b.id(), candidate);
        lobby.host().ws().send(OFFER, a.id(), "");
        a.ws().expect(OFFER, 1, "");
    }

    @Test
    void aCandidateNeverOvertakesTheDescriptionOfItsDirection() throws Exception {
        Lobby lobby = create(true, false);
        Peer a = join(lobby, false);
        // Candidates first: held by the server until a's description to the host is delivered.
        a.ws().send(CANDIDATE, 1, "\n0\n0\ncandidate:early-1");
        a.ws().send(CANDIDATE, 1, "\n0\n0\ncandidate:early-2");
        lobby.host().ws().expectNothing(QUIET);
        a.ws().send(OFFER, 1, "offer");
        lobby.host().ws().expect(OFFER, a.id(), "offer");
        // (Candidates among themselves have no order: API Gateway ran them concurrently.)
        Set<String> released = new HashSet<>();
        released.add(lobby.host().ws().expect(CANDIDATE).path("data").asText());
        released.add(lobby.host().ws().expect(CANDIDATE).path("data").asText());
        assertEquals(Set.of("\n0\n0\ncandidate:early-1", "\n0\n0\ncandidate:early-2"), released);
        // The other direction has its own gate: the host's candidates wait for the host's answer.
        lobby.host().ws().send(CANDIDATE, a.id(), "\n0\n0\ncandidate:host");
        a.ws().expectNothing(QUIET);
        lobby.host().ws().send(ANSWER, a.id(), "answer");
        a.ws().expect(ANSWER, 1, "answer");
        a.ws().expect(CANDIDATE, 1, "\n0\n0\ncandidate:host");
        // Once delivered, candidates pass straight through; a renegotiation closes the gate again.
        a.ws().send(CANDIDATE, 1, "\n0\n0\ncandidate:late");
        lobby.host().ws().expect(CANDIDATE, a.id(), "\n0\n0\ncandidate:late");
    }

    @Test
    void forwardsOnlyTypeIdAndData() throws Exception {
        Lobby lobby = create(true, false);
        Peer a = join(lobby, false);
        a.ws().send(
                        "{\"type\":4,\"id\":1,\"data\":\"sdp\",\"from\":99,\"id2\":5,\"extra\":{\"nested\":[1,2]}}");
        JsonNode got = lobby.host().ws().expect(OFFER, a.id(), "sdp");
        List<String> fields = new ArrayList<>();
        got.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("type", "id", "data"), fields);
    }

    @Test
    void theSenderCannotClaimAnotherId() {
        Lobby lobby = create(true, false);
        Peer a = join(lobby, false);
        Peer b = join(lobby, false);
        // A frame that tries to pass as the host: the id field is the destination, the source is
        // stamped.
        a.ws().send("{\"type\":4,\"id\":" + b.id() + ",\"data\":\"x\",\"from\":1}");
        b.ws().expect(OFFER, a.id(), "x");
    }

    @Test
    void aClientOfAClientServerLobbyCannotReachAnotherClient() {
        Lobby lobby = create(false, true);
        Peer a = join(lobby, true);
        Peer b = join(lobby, true);
        a.ws().send(OFFER, 1, "to host");
        lobby.host().ws().expect(OFFER, a.id(), "to host");
        lobby.host().ws().send(ANSWER, a.id(), "from host");
        a.ws().expect(ANSWER, 1, "from host");
        a.ws().send(OFFER, b.id(), "to another client");
        a.ws().expect(ERROR, 4000, "Invalid destination");
        a.ws().awaitClose();
        b.ws().expectNothing(QUIET);
    }

    @Test
    void destinationsAreLookedUpOnlyInTheSendersLobby() {
        Lobby one = create(true, true);
        Lobby two = create(true, true);
        Peer a = join(one, true);
        Peer b = join(two, true);
        a.ws().send(OFFER, b.id(), "cross-lobby");
        a.ws().expect(ERROR, 4000, "Invalid destination");
        b.ws().expectNothing(QUIET);
        two.host().ws().expectNothing(Duration.ofMillis(100));
    }

    @Test
    void sealTellsEveryPeerRefusesJoinsAndClosesAfterTheDelay() {
        Lobby lobby = create(true, true);
        join(lobby, true);
        join(lobby, false);
        lobby.host().ws().send(SEAL, 0, "");
        for (Peer p : lobby.peers()) {
            p.ws().expect(SEAL, 0, "");
        }
        WsClient late = connect(true);
        late.send(JOIN, 0, lobby.name());
        late.expect(ERROR, 4000, "Lobby is sealed");
        late.awaitClose();
        long start = System.nanoTime();
        for (Peer p : lobby.peers()) {
            p.ws().awaitClose();
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(
                waited >= 300,
                "sockets closed after the configured delay, not at once (" + waited + " ms)");
        // After SEAL nobody may hear PEER_DISCONNECT or an error: Godot would tear a live WebRTC
        // link down.
        for (Peer p : lobby.peers()) {
            assertEquals(null, p.ws().nextRaw(Duration.ofMillis(50)), "nothing after SEAL");
        }
    }

    @Test
    void onlyTheHostMaySeal() {
        Lobby lobby = create(true, true);
        Peer guest = join(lobby, true);
        guest.ws().send(SEAL, 0, "");
        guest.ws().expect(ERROR, 4000, "Only host can seal the lobby");
        guest.ws().awaitClose();
        lobby.host().ws().expect(PEER_DISCONNECT, guest.id(), "");
        lobby.peers().remove(guest);
        join(lobby, true); // still open for joins
    }

    @Test
    void aGuestLeavingIsAnnouncedToItsLinkedPeers() {
        Lobby mesh = create(true, false);
        Peer a = join(mesh, false);
        Peer b = join(mesh, false);
        a.ws().close();
        mesh.host().ws().expect(PEER_DISCONNECT, a.id(), "");
        b.ws().expect(PEER_DISCONNECT, a.id(), "");

        Lobby cs = create(false, false);
        Peer c = join(cs, false);
        Peer d = join(cs, false);
        c.ws().close();
        cs.host().ws().expect(PEER_DISCONNECT, c.id(), "");
        d.ws().expectNothing(QUIET); // d never heard of c
    }

    @Test
    void theHostLeavingDestroysTheLobbyAndClosesEveryone() {
        Lobby lobby = create(true, false);
        Peer ext = join(lobby, true);
        Peer plain = join(lobby, false);
        lobby.host().ws().close();
        ext.ws().expect(ERROR, 4000, "Room host has disconnected");
        ext.ws().awaitClose();
        plain.ws().awaitClose();
        assertEquals(
                null,
                plain.ws().nextRaw(Duration.ofMillis(50)),
                "a demo client gets no extension frame");
        WsClient late = connect(true);
        late.send(JOIN, 0, lobby.name());
        late.expect(ERROR, 4000, "Lobby does not exists");
    }

    @Test
    void aPeerWhoseSocketIsGoneIsRemovedWhenAPostAnswers410() throws Exception {
        Lobby lobby = create(true, false);
        Peer a = join(lobby, false);
        Peer b = join(lobby, false);
        GATEWAY.get().dropDisconnectEvents(true);
        try {
            b.ws().abort(); // gone, and API Gateway's $disconnect never comes
            Thread.sleep(300);
            a.ws().send(OFFER, b.id(), "to a ghost");
            a.ws().expect(PEER_DISCONNECT, b.id(), ""); // the gone peer is removed and announced...
            lobby.host().ws().expect(PEER_DISCONNECT, b.id(), "");
            a.ws().send(OFFER, 1, "still here"); // ...and the sender is untouched
            lobby.host().ws().expect(OFFER, a.id(), "still here");
        } finally {
            GATEWAY.get().dropDisconnectEvents(false);
        }
    }

    @Test
    void lateRelaysToAPeerThatJustLeftAreDroppedNotErrors() {
        Lobby lobby = create(true, true);
        Peer a = join(lobby, true);
        Peer b = join(lobby, true);
        b.ws().close();
        a.ws().expect(PEER_DISCONNECT, b.id(), "");
        a.ws().send(CANDIDATE, b.id(), "\n0\n0\ncandidate:late");
        a.ws().send(OFFER, 1, "after");
        lobby.host().ws().expect(PEER_DISCONNECT, b.id(), "");
        lobby.host().ws().expect(OFFER, a.id(), "after");
    }

    // ------------------------------------------------------------------ errors: the offender alone

    /**
     * Sends a bad frame from a lobby member; checks its error and close, and that the others carry
     * on.
     */
    void offenderInLobby(java.util.function.Consumer<WsClient> offence, String reason) {
        Lobby lobby = create(true, true);
        Peer bystander = join(lobby, true);
        Peer offender = join(lobby, true);
        offence.accept(offender.ws());
        offender.ws().expect(ERROR, 4000, reason);
        offender.ws().awaitClose();
        lobby.host().ws().expect(PEER_DISCONNECT, offender.id(), "");
        bystander.ws().expect(PEER_DISCONNECT, offender.id(), "");
        bystander.ws().send(OFFER, 1, "unaffected");
        lobby.host().ws().expect(OFFER, bystander.id(), "unaffected");
    }

    @Test
    void invalidJson() {
        offenderInLobby(ws -> ws.send("{\"type\":4,"), "Invalid message format");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"4\",\"id\":1,\"data\":\"x\"}",
                "{\"type\":4,\"id\":\"1\",\"data\":\"x\"}",
                "{\"type\":4,\"id\":1,\"data\":5}",
                "{\"type\":4,\"id\":1.5,\"data\":\"x\"}",
                "{\"type\":4,\"id\":-1,\"data\":\"x\"}",
                "{\"id\":1,\"data\":\"x\"}",
                "[4,1,\"x\"]",
                "{\"type\":4,\"type\":5,\"id\":1,\"data\":\"x\"}"
            })
    void wrongFieldTypes(String frame) {
        offenderInLobby(ws -> ws.send(frame), "Invalid message format");
    }

    @Test
    void binaryFrame() {
        offenderInLobby(
                ws -> ws.sendBinary(new byte[] {1, 2, 3}), "Invalid transfer mode, must be text");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 8, 99, 100})
    void unknownOrServerOnlyType(int type) {
        offenderInLobby(ws -> ws.send(type, 1, ""), "Invalid command");
    }

    @Test
    void secondJoin() {
        Lobby other = create(true, false);
        offenderInLobby(ws -> ws.send(JOIN, 0, other.name()), "Already in a lobby");
        offenderInLobby(ws -> ws.send(JOIN, 0, ""), "Already in a lobby");
    }

    @Test
    void invalidDestination() {
        offenderInLobby(ws -> ws.send(OFFER, 123456, "x"), "Invalid destination");
    }

    @Test
    void relayToItself() {
        Lobby lobby = create(true, true);
        lobby.host().ws().send(OFFER, 1, "me");
        lobby.host().ws().expect(ERROR, 4000, "Invalid destination");
    }

    @Test
    void messageTooLarge() {
        offenderInLobby(ws -> ws.send(OFFER, 1, "x".repeat(17_000)), "Message too large");
    }

    @Test
    void messageBeforeJoin() {
        WsClient ws = connect(true);
        ws.send(OFFER, 1, "x");
        ws.expect(ERROR, 4000, "Have not joined lobby yet");
        ws.awaitClose();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "NoSuchLobbyAtAll0000",
                "#live",
                "bad name",
                "x12345678901234567890123456789012345678901234567890123456789012345"
            })
    void unknownLobby(String name) {
        WsClient ws = connect(true);
        ws.send(JOIN, 0, name);
        ws.expect(ERROR, 4000, "Lobby does not exists");
        ws.awaitClose();
    }

    @Test
    void tooManyPeers() {
        Lobby lobby = create(true, false);
        for (int i = 1; i < 8; i++) {
            join(lobby, false);
        }
        WsClient ninth = connect(true);
        ninth.send(JOIN, 0, lobby.name());
        ninth.expect(ERROR, 4000, "Too many peers connected");
        ninth.awaitClose();
        for (Peer p : lobby.peers()) {
            p.ws().expectNothing(Duration.ofMillis(100));
        }
    }

    @Test
    void aDemoClientGetsNoErrorFrameOnlyTheClose() {
        WsClient ws = connect(false);
        ws.send("not json");
        ws.awaitClose();
        assertEquals(null, ws.nextRaw(Duration.ofMillis(50)));
    }

    @Test
    void messagesOver128KbAreClosedByTheGatewayWith1009() {
        WsClient ws = connect(true);
        ws.send(JOIN, 0, "x".repeat(140_000)); // the JDK client sends it in fragments
        assertEquals(1009, ws.awaitClose());
    }

    @Test
    void framesOver32KbAreClosedByTheGatewayWith1009() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(GATEWAY.get().port())) {
            raw.sendTextFrame("x".repeat(33 * 1024));
            assertEquals(1009, raw.readCloseCode());
        }
    }

    @Test
    void unknownPathsAreRefused() {
        URI other = URI.create("ws://localhost:" + GATEWAY.get().port() + "/not-the-stage");
        try {
            WsClient.connect(other);
            throw new AssertionError("connected to " + other);
        } catch (java.util.concurrent.CompletionException expected) {
            // 404 at the handshake
        }
    }
}
