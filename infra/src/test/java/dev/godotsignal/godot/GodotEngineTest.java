package dev.godotsignal.godot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.GodotInstance;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The addon in the real Godot 4 engine: the official Godot 4.6 web export template runs the test
 * game ({@code clients/godot/tests/signaling_test_game.tscn}) in headless Chromium, one tab per
 * instance, through the local gateway. Nothing is mocked: Godot's own WebSocketPeer,
 * WebRTCMultiplayerPeer (the browser's WebRTC) and SceneMultiplayer RPCs.
 */
class GodotEngineTest {
    static LocalGateway gateway;
    static HeadlessChromium chromium;
    static String base;
    final List<GodotInstance> instances = new ArrayList<>();
    long started;

    @BeforeAll
    static void start() throws Exception {
        GodotEngineSupport.assumeEngine();
        gateway = TestGateways.start(Map.of("SealCloseDelaySeconds", "1"));
        chromium = HeadlessChromium.launch();
        base = "http://127.0.0.1:" + gateway.port();
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

    @BeforeEach
    void clock() {
        started = System.nanoTime();
    }

    @AfterEach
    void closeInstances(TestInfo info) {
        instances.forEach(GodotInstance::close);
        System.out.printf("godot %-50s %6d ms%n", info.getDisplayName(), (System.nanoTime() - started) / 1_000_000);
    }

    GodotInstance godot(String name) throws Exception {
        GodotInstance instance = GodotInstance.testGame(chromium, base, name);
        instances.add(instance);
        return instance;
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
                    from.command("rpc " + idOf(to) + " " + tag + "-" + idOf(from) + "-to-" + idOf(to));
                }
            }
        }
        for (GodotInstance from : all) {
            for (GodotInstance to : all) {
                if (from != to) {
                    to.awaitAnyEvent("rpc_from " + idOf(from) + " " + tag + "-" + idOf(from) + "-to-" + idOf(to), Duration.ofSeconds(15));
                }
            }
        }
    }
}
