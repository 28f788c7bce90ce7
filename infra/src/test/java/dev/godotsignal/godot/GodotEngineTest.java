package dev.godotsignal.godot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.GodotDemoClient;
import dev.godotsignal.testing.GodotInstance;
import dev.godotsignal.testing.NativeGodotPeer;
import dev.godotsignal.testing.Resumes;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The addon in the real Godot 4 engine: the official Godot 4.6 web export template runs the test
 * game ({@code clients/godot/tests/signaling_test_game.tscn}) in headless Chromium, one tab per
 * instance, through the local gateway. Nothing is mocked: Godot's own WebSocketPeer,
 * WebRTCMultiplayerPeer (the browser's WebRTC) and SceneMultiplayer RPCs.
 */
class GodotEngineTest extends GodotEngineTestBase {
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        GodotEngineSupport.assumeEngine();
        boolean hasNative = NativeGodotPeer.available();
        if (!hasNative) {
            System.err.println(
                    "SKIPPED Godot engine tests: webrtc-java's native library does not load on this platform");
        }
        assumeTrue(
                hasNative,
                "webrtc-java's native library does not load on this platform (linux-x86_64 only here)");
        openBrowserOn(
                TestGateways.start(Map.of("SealCloseDelaySeconds", "1", "MaxPeersPerLobby", "3")));
    }

    /** Host creates, the others join; returns the lobby. */
    static String meet(boolean mesh, GodotInstance host, GodotInstance... guests) throws Exception {
        String mode = mesh ? "mesh" : "cs";
        host.command("join - " + mode);
        String joined = host.awaitEvent("joined");
        String lobby = GodotInstance.lobbyOf(joined);
        assertEquals(1, GodotInstance.peerIdOf(joined), joined);
        for (GodotInstance guest : guests) {
            guest.command("join " + lobby + " " + mode);
            guest.awaitEvent("joined " + lobby);
        }
        return lobby;
    }

    @Test
    void threeInstancesMesh() throws Exception {
        GodotInstance a = godot("a");
        GodotInstance b = godot("b");
        GodotInstance c = godot("c");
        meet(true, a, b, c);
        for (GodotInstance g : List.of(a, b, c)) {
            for (int other : others(g, a, b, c)) {
                g.awaitAnyEvent("peer_up " + other, Duration.ofSeconds(30));
            }
        }
        rpcEveryWay(List.of(a, b, c), "before-seal");
        a.command("seal");
        for (GodotInstance g : List.of(a, b, c)) {
            g.awaitAnyEvent("sealed", Duration.ofSeconds(15));
            g.awaitAnyEvent("disconnected", Duration.ofSeconds(15));
        }
        rpcEveryWay(List.of(a, b, c), "after-seal");
    }

    /**
     * The gateway cuts the host's signaling socket as a network would: the game goes on over WebRTC
     * (RPCs flow while signaling is down), a third instance joins and sends its offer to the
     * suspended host, and the host's addon resumes by itself, answers it and plays with everyone.
     */
    @Test
    void aCutSignalingSocketResumesAndTheGameGoesOn() throws Exception {
        GodotInstance a = godot("a");
        GodotInstance b = godot("b");
        String lobby = meet(true, a, b);
        a.awaitAnyEvent("peer_up " + idOf(b), Duration.ofSeconds(30));
        b.awaitAnyEvent("peer_up 1", Duration.ofSeconds(30));
        // The host's network stays down until the newcomer's offer waits for it.
        a.eval(Resumes.HOLD_RESUMES);
        gateway.dropConnection(Resumes.connectionOf(gateway, lobby, 1));
        a.awaitAnyEvent("resuming", Duration.ofSeconds(10));
        rpcEveryWay(List.of(a, b), "signaling-down");
        GodotInstance c = godot("c");
        c.command("join " + lobby + " mesh");
        c.awaitEvent("joined " + lobby);
        GodotDemoClient.await(
                "the newcomer's offer kept for the suspended host",
                () -> Resumes.keptCount(gateway, lobby, 1) >= 2);
        a.eval(Resumes.NETWORK_BACK);
        a.awaitAnyEvent("resumed " + lobby + " 1", Duration.ofSeconds(15));
        for (GodotInstance g : List.of(a, b, c)) {
            for (int other : others(g, a, b, c)) {
                g.awaitAnyEvent("peer_up " + other, Duration.ofSeconds(30));
            }
        }
        rpcEveryWay(List.of(a, b, c), "after-resume");
        assertEquals(List.of(), a.errors());
    }

    @Test
    void threeInstancesClientServer() throws Exception {
        GodotInstance host = godot("host");
        GodotInstance b = godot("b");
        GodotInstance c = godot("c");
        meet(false, host, b, c);
        int idB = idOf(b);
        int idC = idOf(c);
        host.awaitAnyEvent("peer_up " + idB, Duration.ofSeconds(30));
        host.awaitAnyEvent("peer_up " + idC, Duration.ofSeconds(30));
        b.awaitAnyEvent("peer_up 1", Duration.ofSeconds(30));
        c.awaitAnyEvent("peer_up 1", Duration.ofSeconds(30));
        // The server introduces clients to the host only: no client negotiates with another.
        host.awaitAnyEvent("introduced " + idB, Duration.ofSeconds(1));
        host.awaitAnyEvent("introduced " + idC, Duration.ofSeconds(1));
        assertEquals(List.of("introduced 1"), introductions(b));
        assertEquals(List.of("introduced 1"), introductions(c));
        // SceneMultiplayer relays client-to-client RPCs through the host.
        rpcEveryWay(List.of(host, b, c), "before-seal");
        host.command("seal");
        for (GodotInstance g : List.of(host, b, c)) {
            g.awaitAnyEvent("sealed", Duration.ofSeconds(15));
            g.awaitAnyEvent("disconnected", Duration.ofSeconds(15));
        }
        rpcEveryWay(List.of(host, b, c), "after-seal");
        assertEquals(
                List.of("introduced 1"), introductions(b), "still no direct link between clients");
    }

    static List<String> introductions(GodotInstance g) throws Exception {
        return g.lines().stream()
                .filter(l -> l.startsWith("@introduced"))
                .map(l -> l.substring(1))
                .toList();
    }

    @Test
    void godotHostWithANativePeer() throws Exception {
        GodotInstance host = godot("godot-host");
        host.command("join - mesh");
        String lobby = GodotInstance.lobbyOf(host.awaitEvent("joined"));
        NativeGodotPeer peer = NativeGodotPeer.join(gateway.url(), lobby);
        natives.add(peer);
        GodotDemoClient.await("native peer joined", () -> peer.lobby != null);
        host.awaitAnyEvent("peer_up " + peer.peerId, Duration.ofSeconds(30));
        NativeGodotPeer.Link link = peer.awaitOpen(1);
        exchangeBytes(host, 1, peer, link, "godot-host");
        host.command("seal");
        host.awaitAnyEvent("disconnected", Duration.ofSeconds(15));
        GodotDemoClient.await("native signaling closed", peer::signalingClosed);
        exchangeBytes(host, 1, peer, link, "after-seal");
    }

    @Test
    void nativeHostWithAGodotPeer() throws Exception {
        NativeGodotPeer host = NativeGodotPeer.host(gateway.url(), true);
        natives.add(host);
        GodotDemoClient.await("native host's lobby", () -> host.lobby != null);
        GodotInstance guest = godot("godot-guest");
        guest.command("join " + host.lobby + " mesh");
        int guestId = GodotInstance.peerIdOf(guest.awaitEvent("joined"));
        guest.awaitAnyEvent("peer_up 1", Duration.ofSeconds(30));
        NativeGodotPeer.Link link = host.awaitOpen(guestId);
        exchangeBytes(guest, guestId, host, link, "native-host");
        host.seal();
        guest.awaitAnyEvent("sealed", Duration.ofSeconds(15));
        guest.awaitAnyEvent("disconnected", Duration.ofSeconds(15));
        exchangeBytes(guest, guestId, host, link, "after-seal");
    }

    /**
     * SceneMultiplayer's raw bytes both ways between a Godot instance and a native peer, on Godot's
     * reliable channel (data channel id 1): on the wire a packet is one command byte
     * (SceneMultiplayer's NETWORK_COMMAND_RAW) followed by the bytes.
     */
    static void exchangeBytes(
            GodotInstance godot,
            int godotId,
            NativeGodotPeer nativePeer,
            NativeGodotPeer.Link link,
            String tag)
            throws Exception {
        godot.command("raw " + nativePeer.peerId + " " + tag + "-from-godot");
        GodotDemoClient.await(
                "native got Godot's bytes",
                () -> link.received.contains("1:" + RAW + tag + "-from-godot"));
        nativePeer.send(godotId, 1, RAW + tag + "-from-native");
        godot.awaitAnyEvent(
                "raw_from " + nativePeer.peerId + " " + tag + "-from-native",
                Duration.ofSeconds(15));
    }

    /** SceneMultiplayer's command byte for raw bytes (send_bytes / peer_packet). */
    static final String RAW = "\u0003";

    @Test
    void twoInstancesFindEachOtherThroughTheListAndQuickMatch() throws Exception {
        GodotInstance host = godot("matcher-a");
        GodotInstance guest = godot("matcher-b");
        for (GodotInstance g : List.of(host, guest)) {
            g.command("game godot-discovery");
        }
        host.command("match {\"maxPeers\":2,\"data\":{\"map\":\"dunes\"}}");
        String joined = host.awaitEvent("joined");
        assertEquals(1, GodotInstance.peerIdOf(joined), joined);
        String lobby = GodotInstance.lobbyOf(joined);
        JsonNode data =
                JSON.readTree(host.awaitEvent("lobby_data").substring("lobby_data ".length()));
        assertTrue(data.path("public").asBoolean(), data.toString());

        // The other player browses before it matches: HTTPRequest, through the engine's fetch.
        guest.command("list {\"map\":\"dunes\"}");
        JsonNode listed = JSON.readTree(guest.awaitEvent("lobbies").substring("lobbies ".length()));
        assertEquals(List.of(lobby), names(listed));
        guest.command("match {\"maxPeers\":2}");
        int guestId = GodotInstance.peerIdOf(guest.awaitEvent("joined " + lobby));
        assertTrue(guestId > 1);
        guest.awaitEvent("lobby_data");
        host.awaitAnyEvent("peer_up " + guestId, Duration.ofSeconds(30));
        guest.awaitAnyEvent("peer_up 1", Duration.ofSeconds(30));
        rpcEveryWay(List.of(host, guest), "matched");

        // Full now: the list no longer shows it; the host's data change reaches the guest.
        guest.command("list");
        assertEquals(
                0,
                JSON.readTree(guest.awaitEvent("lobbies {").substring("lobbies ".length()))
                        .path("count")
                        .asInt());
        host.command("lobbydata {\"data\":{\"map\":\"canyon\"}}");
        JsonNode changed =
                JSON.readTree(
                        guest.awaitEvent("lobby_data {\"data\":{\"map\":\"canyon\"")
                                .substring("lobby_data ".length()));
        assertEquals(2, changed.path("peers").asInt());
        guest.command("lobbydata {\"public\":false}");
        assertEquals("refused Only host can set lobby data", guest.awaitEvent("refused"));
        for (GodotInstance g : List.of(host, guest)) {
            assertTrue(g.errors().isEmpty(), "no engine errors: " + g.errors());
        }
    }

    static List<String> names(JsonNode listed) {
        List<String> names = new ArrayList<>();
        listed.path("names").forEach(n -> names.add(n.asText()));
        return names;
    }

    @Test
    void serverErrorsSurfaceAsSignalsAndTheSameNodeJoinsAgain() throws Exception {
        GodotInstance host = godot("host");
        GodotInstance guest = godot("guest");
        host.command("join - mesh");
        String lobby = GodotInstance.lobbyOf(host.awaitEvent("joined"));

        // A lobby that does not exist.
        guest.command("join no-such-lobby mesh");
        assertEquals("error Lobby does not exists", guest.awaitEvent("error"));
        guest.awaitEvent("disconnected");

        // A full lobby (3 peers at most here): two demo clients fill it.
        List<WsClient> fillers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                WsClient filler = WsClient.connect(gateway.url());
                fillers.add(filler);
                filler.send(MessageType.JOIN, 0, lobby);
                while (filler.next().path("type").asInt() != 0) {
                    // ID and PEER_CONNECTs come before the JOIN confirmation
                }
            }
            guest.command("join " + lobby + " mesh");
            assertEquals("error Too many peers connected", guest.awaitEvent("error"));
            guest.awaitEvent("disconnected");
        } finally {
            fillers.forEach(WsClient::close);
        }

        // A sealed lobby.
        host.awaitAnyEvent("left", Duration.ofSeconds(15));
        host.command("seal");
        host.awaitEvent("sealed");
        guest.command("join " + lobby + " mesh");
        assertEquals("error Lobby is sealed", guest.awaitEvent("error"));
        guest.awaitEvent("disconnected");

        // The same node, after all that, creates a lobby and another instance joins it.
        guest.command("close");
        guest.command("join - mesh");
        String second = GodotInstance.lobbyOf(guest.awaitEvent("joined"));
        GodotInstance third = godot("third");
        third.command("join " + second + " mesh");
        third.awaitEvent("joined " + second);
        third.awaitAnyEvent("peer_up 1", Duration.ofSeconds(30));
        // And close() then join_lobby() again, while connected, also works.
        third.command("close");
        third.awaitEvent("closed");
        third.command("join " + second + " mesh");
        third.awaitEvent("joined " + second);
        guest.awaitAnyEvent("left", Duration.ofSeconds(15));
        assertTrue(guest.errors().isEmpty(), "no engine errors: " + guest.errors());
    }

    @Test
    void everyUrlFormAUserMayTypeConnects() throws Exception {
        GodotInstance godot = godot("urls");
        String root = "ws://127.0.0.1:" + gateway.port();
        for (String url :
                List.of(
                        root,
                        root + "/",
                        root + "/prod",
                        root + "/prod/",
                        root + "/?game=x",
                        root + "/prod?source=test")) {
            godot.command("url " + url);
            godot.command("join - mesh");
            String joined = godot.awaitEvent("joined");
            assertEquals(1, GodotInstance.peerIdOf(joined), url + ": " + joined);
            godot.command("close");
            godot.awaitEvent("closed");
        }
        assertTrue(godot.errors().isEmpty(), "no engine errors: " + godot.errors());
    }

    @Test
    void everyScriptAndSceneOfTheProjectCompilesInTheEngine() throws Exception {
        GodotInstance check =
                GodotInstance.scene(
                        chromium, base, "compile", "res://tests/compile_check.tscn", true);
        instances.add(check);
        int checked = Integer.parseInt(check.awaitEvent("compile_check_done").split(" ", -1)[1]);
        List<String> results =
                check.lines().stream().filter(l -> l.startsWith("@compiled")).toList();
        assertEquals(checked, results.size());
        assertTrue(
                results.stream().allMatch(l -> l.endsWith(" ok")),
                "every file compiles: " + results);
        assertTrue(
                results.contains("@compiled res://addons/godot_signaling/signaling_client.gd ok"),
                results.toString());
        assertTrue(
                results.contains("@compiled res://example/lobby_example.tscn ok"),
                results.toString());
        assertEquals(
                List.of("@editor_only res://addons/godot_signaling/plugin.gd"),
                check.lines().stream().filter(l -> l.startsWith("@editor_only")).toList());
        assertTrue(check.errors().isEmpty(), "no engine errors: " + check.errors());
    }

    @Test
    void theCompileCheckCatchesABrokenScript() throws Exception {
        Path copy = GodotProjects.copyOfProject();
        Path client = copy.resolve("godot/addons/godot_signaling/signaling_client.gd");
        // Valid syntax (tree-sitter accepts it), but a function that does not exist.
        String source = Files.readString(client);
        assertTrue(source.contains("\tws.poll()\n"));
        Files.writeString(
                client, source.replace("\tws.poll()\n", "\tws.poll()\n\tpoll_all_sockets()\n"));
        try (LocalGateway broken =
                LocalGateway.start(
                        TestGateways.options(Map.of())
                                .withWebRoot(java.util.Optional.of(GodotProjects.webRoot(copy))))) {
            GodotInstance check =
                    GodotInstance.scene(
                            chromium,
                            "http://127.0.0.1:" + broken.port(),
                            "broken",
                            "res://tests/compile_check.tscn",
                            true);
            instances.add(check);
            check.awaitEvent("compile_check_done");
            assertTrue(
                    check.lines()
                            .contains(
                                    "@compiled res://addons/godot_signaling/signaling_client.gd FAILED"),
                    check.lines().toString());
            assertTrue(
                    check.errors().stream().anyMatch(e -> e.contains("poll_all_sockets")),
                    "the engine names the error: " + check.errors());
        } finally {
            GodotProjects.delete(copy);
        }
    }

    static List<Integer> others(GodotInstance self, GodotInstance... all) throws Exception {
        List<Integer> ids = new ArrayList<>();
        int me = GodotInstance.peerIdOf(self.awaitAnyEvent("joined", Duration.ofSeconds(1)));
        for (GodotInstance g : all) {
            int id = GodotInstance.peerIdOf(g.awaitAnyEvent("joined", Duration.ofSeconds(1)));
            if (id != me) {
                ids.add(id);
            }
        }
        return ids;
    }

    static int idOf(GodotInstance g) throws Exception {
        return GodotInstance.peerIdOf(g.awaitAnyEvent("joined", Duration.ofSeconds(1)));
    }

    /** Every instance sends an RPC to every other; each arrives, stamped with its sender. */
    static void rpcEveryWay(List<GodotInstance> all, String tag) throws Exception {
        for (GodotInstance from : all) {
            for (GodotInstance to : all) {
                if (from != to) {
                    from.command(
                            "rpc " + idOf(to) + " " + tag + "-" + idOf(from) + "-to-" + idOf(to));
                }
            }
        }
        for (GodotInstance from : all) {
            for (GodotInstance to : all) {
                if (from != to) {
                    to.awaitAnyEvent(
                            "rpc_from "
                                    + idOf(from)
                                    + " "
                                    + tag
                                    + "-"
                                    + idOf(from)
                                    + "-to-"
                                    + idOf(to),
                            Duration.ofSeconds(15));
                }
            }
        }
    }
}
