package dev.godotsignal.godot;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.GodotInstance;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.NativeGodotPeer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What the engine test classes share: one gateway and one Chromium per class (each test class runs
 * in a JVM of its own), the Godot instances and native peers of each test, closed after it, and
 * each test's time.
 */
abstract class GodotEngineTestBase {
    static LocalGateway gateway;
    static HeadlessChromium chromium;

    /** The gateway's HTTP origin, which serves /godot/. */
    static String base;

    final List<GodotInstance> instances = new ArrayList<>();
    final List<NativeGodotPeer> natives = new ArrayList<>();
    private long started;

    /** Launches Chromium beside a gateway the class started. */
    static void openBrowserOn(LocalGateway started) throws Exception {
        gateway = started;
        chromium = HeadlessChromium.launch();
        base = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void closeBrowserAndGateway() {
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
        natives.forEach(NativeGodotPeer::close);
        System.out.printf(
                "godot %-50s %6d ms%n",
                info.getDisplayName(), (System.nanoTime() - started) / 1_000_000);
    }

    /** A new instance of the test game. */
    GodotInstance godot(String name) throws Exception {
        GodotInstance instance = GodotInstance.testGame(chromium, base, name);
        instances.add(instance);
        return instance;
    }
}
