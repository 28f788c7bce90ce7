package dev.godotsignal.godot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.GodotInstance;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example scene ({@code clients/godot/example}) as a player meets it: the gateway's {@code
 * /godot/} page runs it in the real Godot engine with rendering on (WebGL), and two windows meet
 * through its UI — mouse clicks and key presses on the canvas, nothing else.
 */
class GodotExampleTest {
    static LocalGateway gateway;
    static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        GodotEngineSupport.assumeEngine();
        gateway = TestGateways.start(Map.of("SealCloseDelaySeconds", "1"));
        chromium = HeadlessChromium.launch(true);
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

    // Where the example's controls are in a 960-wide window
    // (target/screenshots/godot-example-*.png).
    static final int[] LOBBY_FIELD = {500, 154};
    static final int[] CREATE = {78, 197};
    static final int[] JOIN = {196, 197};
    static final int[] SEAL = {314, 197};
    static final int[] REFRESH = {78, 243};
    static final int[] JOIN_SELECTED = {196, 243};
    static final int[] PUBLIC = {450, 243};
    static final int[] FIRST_LISTED = {700, 349};
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void twoPlayersMeetThroughTheExampleSceneInTheTryItPage() throws Exception {
        String base = "http://127.0.0.1:" + gateway.port();
        GodotInstance alice = GodotInstance.start(chromium, base, "alice", "");
        GodotInstance bob = GodotInstance.start(chromium, base, "bob", "");
        Path shots = Path.of("target", "screenshots");
        alice.page().waitFor("window.godotHarness.lines.length >= 2", WAIT);
        Thread.sleep(500); // the first frames
        alice.page().screenshot(shots.resolve("godot-example-start.png"));

        click(alice, CREATE);
        String joined = alice.awaitLine("in lobby ", WAIT);
        String lobby = joined.split(" ", -1)[2];
        assertTrue(joined.endsWith("as peer 1 (mesh)"), joined);

        click(bob, LOBBY_FIELD);
        Thread.sleep(500); // the engine handles the click (focus) on its next frame, before any key
        bob.page().type(lobby);
        Thread.sleep(500);
        click(bob, JOIN);
        bob.awaitLine("joining lobby " + lobby, WAIT);
        bob.awaitLine("in lobby " + lobby + " as peer ", WAIT);
        bob.awaitLine("peer 1 says: hello from peer 1", WAIT);
        alice.awaitLine("says: hello from peer", WAIT);

        // The lobby browser: the host makes the lobby public, a third player lists and joins it.
        click(alice, PUBLIC);
        alice.awaitLine("lobby data: {\"data\":{},\"maxPeers\"", WAIT);
        GodotInstance carol = GodotInstance.start(chromium, base, "carol", "");
        carol.page().waitFor("window.godotHarness.lines.length >= 2", WAIT);
        Thread.sleep(500);
        click(carol, REFRESH);
        carol.awaitLine("1 public lobby in the list", WAIT);
        Thread.sleep(500); // the list's next frame
        click(carol, FIRST_LISTED);
        Thread.sleep(500);
        click(carol, JOIN_SELECTED);
        carol.awaitLine("in lobby " + lobby + " as peer ", WAIT);
        carol.awaitLine("peer 1 says: hello from peer 1", WAIT);

        click(alice, SEAL);
        alice.awaitLine("lobby sealed", WAIT);
        bob.awaitLine("lobby sealed", WAIT);
        bob.awaitLine("peers keep playing", WAIT);
        alice.awaitLine("peers keep playing", WAIT);
        Thread.sleep(500); // the frames that show it
        alice.page().screenshot(shots.resolve("godot-example-host.png"));
        bob.page().screenshot(shots.resolve("godot-example-guest.png"));
        assertTrue(Files.size(shots.resolve("godot-example-host.png")) > 10_000);
        assertTrue(
                alice.errors().isEmpty() && bob.errors().isEmpty() && carol.errors().isEmpty(),
                "no engine errors: " + alice.errors() + bob.errors() + carol.errors());
    }

    static void click(GodotInstance godot, int[] at) throws Exception {
        godot.page().click(at[0], at[1]);
    }
}
