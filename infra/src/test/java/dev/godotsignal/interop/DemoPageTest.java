package dev.godotsignal.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.Resumes;
import dev.godotsignal.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo page served by the local gateway, used the way a person would: two tabs chat. */
class DemoPageTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    static void type(HeadlessChromium.Page page, String id, String text) throws Exception {
        page.eval(
                "(() => { const e = document.getElementById('"
                        + id
                        + "'); e.value = "
                        + json(text)
                        + "; e.dispatchEvent(new Event('input')); })()");
    }

    static void click(HeadlessChromium.Page page, String id) throws Exception {
        page.eval("document.getElementById('" + id + "').click()");
    }

    static String json(String text) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    }

    static void assumeChromium() {
        assumeTrue(
                HeadlessChromium.executable().isPresent(),
                "no Chromium on this machine: apt-get install chromium chromium-driver");
    }

    /** Alice creates a mesh lobby, Bob joins it by name; both can chat. Returns the lobby. */
    static String meet(HeadlessChromium.Page alice, HeadlessChromium.Page bob) throws Exception {
        click(alice, "create-mesh");
        alice.waitFor("document.getElementById('lobby-name').textContent.length === 20", WAIT);
        String lobby = alice.eval("document.getElementById('lobby-name').textContent").asText();
        assertEquals("1", alice.eval("document.getElementById('my-id').textContent").asText());
        type(bob, "lobby-input", lobby);
        click(bob, "join");
        bob.waitFor("!document.getElementById('chat-input').disabled", WAIT);
        alice.waitFor("!document.getElementById('chat-input').disabled", WAIT);
        return lobby;
    }

    @Test
    void twoPagesChatOverDataChannels() throws Exception {
        boolean hasChromium = HeadlessChromium.executable().isPresent();
        if (!hasChromium) {
            System.err.println(
                    "SKIPPED demo page test: no Chromium (apt-get install chromium chromium-driver)");
        }
        assumeTrue(
                hasChromium,
                "no Chromium on this machine: apt-get install chromium chromium-driver");
        try (LocalGateway gateway = TestGateways.start(Map.of());
                HeadlessChromium chromium = HeadlessChromium.launch()) {
            String url = "http://127.0.0.1:" + gateway.port() + "/";
            HeadlessChromium.Page alice = chromium.open(url);
            HeadlessChromium.Page bob = chromium.open(url);
            assertEquals(
                    "ws://127.0.0.1:" + gateway.port(),
                    alice.eval("document.getElementById('url').value").asText(),
                    "the page points at the gateway that served it");

            meet(alice, bob);

            type(alice, "chat-input", "hello from alice 👋");
            click(alice, "send");
            bob.waitFor(
                    "document.getElementById('chat').textContent.includes('hello from alice 👋')",
                    WAIT);
            type(bob, "chat-input", "hi alice, bob here");
            click(bob, "send");
            alice.waitFor(
                    "document.getElementById('chat').textContent.includes('hi alice, bob here')",
                    WAIT);
            assertTrue(
                    alice.eval("document.querySelector('#peers .state').textContent")
                            .asText()
                            .equals("connected"));

            click(alice, "seal");
            bob.waitFor(
                    "document.getElementById('log').textContent.includes('lobby sealed')", WAIT);
            alice.waitFor(
                    "document.getElementById('log').textContent.includes('after seal')", WAIT);
            type(bob, "chat-input", "still here after the seal");
            click(bob, "send");
            alice.waitFor(
                    "document.getElementById('chat').textContent.includes('still here after the seal')",
                    WAIT);

            Path shots = Path.of("target", "screenshots");
            alice.screenshot(shots.resolve("demo-page-host.png"));
            bob.screenshot(shots.resolve("demo-page-guest.png"));
            assertTrue(Files.size(shots.resolve("demo-page-host.png")) > 10_000);
        }
    }

    @Test
    void theHeaderShowsADroppedSocketResumingWhileTheChatGoesOn() throws Exception {
        assumeChromium();
        try (LocalGateway gateway = TestGateways.start(Map.of());
                HeadlessChromium chromium = HeadlessChromium.launch()) {
            String url = "http://127.0.0.1:" + gateway.port() + "/";
            HeadlessChromium.Page alice = chromium.open(url);
            HeadlessChromium.Page bob = chromium.open(url);
            String state = "document.getElementById('signaling-state').textContent";
            String lobby = meet(alice, bob);
            assertEquals("joined", alice.eval(state).asText());

            // Alice's network drops and stays down for signaling: the page says so, and the chat
            // (WebRTC) goes on.
            alice.eval(Resumes.HOLD_RESUMES);
            gateway.dropConnection(Resumes.connectionOf(gateway, lobby, 1));
            alice.waitFor(state + " === 'resuming'", WAIT);
            type(bob, "chat-input", "can you hear me?");
            click(bob, "send");
            alice.waitFor(
                    "document.getElementById('chat').textContent.includes('can you hear me?')",
                    WAIT);
            alice.eval(Resumes.NETWORK_BACK);
            alice.waitFor(state + " === 'resumed'", WAIT);
            assertTrue(
                    alice.eval("document.getElementById('log').textContent")
                            .asText()
                            .contains("resumed"),
                    "the log tells the resume");
            assertEquals("joined", bob.eval(state).asText(), "bob never noticed");
            alice.screenshot(Path.of("target", "screenshots").resolve("demo-page-resumed.png"));
        }
    }

    @Test
    void theLobbyBrowserListsJoinsAndQuickMatches() throws Exception {
        assumeChromium();
        try (LocalGateway gateway = TestGateways.start(Map.of());
                HeadlessChromium chromium = HeadlessChromium.launch()) {
            String url = "http://127.0.0.1:" + gateway.port() + "/?game=browser-test";
            HeadlessChromium.Page host = chromium.open(url);
            HeadlessChromium.Page browser = chromium.open(url);
            HeadlessChromium.Page matcher = chromium.open(url);

            // The host creates a lobby and makes it public with its checkbox.
            click(host, "create-mesh");
            host.waitFor("document.getElementById('lobby-name').textContent.length === 20", WAIT);
            String lobby = host.eval("document.getElementById('lobby-name').textContent").asText();
            host.waitFor("!document.getElementById('make-public').disabled", WAIT);
            click(host, "make-public");
            host.waitFor(
                    "JSON.parse(document.getElementById('lobby-data').textContent || '{}').public"
                            + " === true",
                    WAIT);

            // Another page lists the game's lobbies and joins it from the list.
            click(browser, "refresh-lobbies");
            String row = "document.querySelector('#lobby-list tr[data-lobby=\"" + lobby + "\"]')";
            browser.waitFor(row + " !== null", WAIT);
            assertTrue(
                    browser.eval(row + ".textContent").asText().contains("1/"),
                    "the row shows the peer count");
            browser.eval(row + ".querySelector('button.join').click()");
            browser.waitFor("!document.getElementById('chat-input').disabled", WAIT);
            assertEquals(
                    lobby,
                    browser.eval("document.getElementById('lobby-name').textContent").asText());
            browser.waitFor(
                    "JSON.parse(document.getElementById('lobby-data').textContent || '{}').peers"
                            + " === 2",
                    WAIT);

            // A third quick-matches into a 4-player lobby: not the host's (its size is the
            // deployment's), so it opens one, and the list then shows both.
            type(matcher, "match-max-peers", "4");
            click(matcher, "quick-match");
            matcher.waitFor(
                    "document.getElementById('my-id').textContent === '1'"
                            + " && document.getElementById('lobby-name').textContent.length === 20",
                    WAIT);
            String matched =
                    matcher.eval("document.getElementById('lobby-name').textContent").asText();
            click(browser, "refresh-lobbies");
            browser.waitFor(
                    "document.querySelector('#lobby-list tr[data-lobby=\""
                            + matched
                            + "\"]') !== null",
                    WAIT);
            browser.screenshot(Path.of("target", "screenshots", "demo-page-lobby-browser.png"));
        }
    }
}
