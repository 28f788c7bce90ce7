package dev.godotsignal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.gateway.LocalGateway;
import java.util.ArrayList;
import java.util.List;

/**
 * A web peer: the project's web client (clients/web/godot-signaling.js) in a headless Chromium tab.
 */
public final class WebPeer {
    public final HeadlessChromium.Page page;
    public final int peerId;
    public final String lobby;

    private WebPeer(HeadlessChromium.Page page, int peerId, String lobby) {
        this.page = page;
        this.peerId = peerId;
        this.lobby = lobby;
    }

    /** Opens the gateway's own page (same origin) and joins ("" creates) with the web client. */
    public static WebPeer join(
            HeadlessChromium chromium, LocalGateway gateway, String lobby, boolean mesh)
            throws Exception {
        return join(chromium, gateway, lobby, mesh, "{ iceServers: [] }");
    }

    /**
     * Joins with the given client options (a JavaScript object literal), e.g. a relay-only policy.
     */
    public static WebPeer join(
            HeadlessChromium chromium,
            LocalGateway gateway,
            String lobby,
            boolean mesh,
            String clientOptions)
            throws Exception {
        String base = "http://127.0.0.1:" + gateway.port();
        HeadlessChromium.Page page = chromium.open(base + "/");
        JsonNode joined =
                page.eval(
                        """
                (async () => {
                  const m = await import('/godot-signaling.js');
                  window.t = { messages: [], open: [], sealed: false, closed: false, errors: [], resuming: 0, resumed: 0 };
                  const c = new m.GodotSignalingClient('ws://127.0.0.1:%d', %s);
                  window.tc = c;
                  c.addEventListener('message', e => t.messages.push(e.detail.peerId + ':' + e.detail.channel + ':' + e.detail.data));
                  c.addEventListener('peer-open', e => t.open.push(e.detail.peerId));
                  c.addEventListener('sealed', () => t.sealed = true);
                  c.addEventListener('disconnected', () => t.closed = true);
                  c.addEventListener('error', e => t.errors.push(e.detail.reason));
                  c.addEventListener('resuming', () => t.resuming++);
                  c.addEventListener('resumed', () => t.resumed++);
                  return await c.join(%s, %s);
                })()"""
                                .formatted(gateway.port(), clientOptions, quote(lobby), mesh));
        return new WebPeer(page, joined.get("peerId").asInt(), joined.get("lobby").asText());
    }

    /**
     * The page's network "stays down" for resumes: its resume attempts are sent to a path the
     * gateway refuses, until {@link #networkBack}.
     */
    public void holdResumes() throws Exception {
        page.eval(Resumes.HOLD_RESUMES);
    }

    /** Resume attempts reach the gateway again. */
    public void networkBack() throws Exception {
        page.eval(Resumes.NETWORK_BACK);
    }

    public void awaitResuming() throws Exception {
        page.waitFor("t.resuming > 0", WsClient.WAIT);
    }

    public void awaitResumed() throws Exception {
        page.waitFor("t.resumed > 0", WsClient.WAIT.multipliedBy(2));
    }

    public void awaitOpen(int other) throws Exception {
        page.waitFor("t.open.includes(" + other + ")", WsClient.WAIT.multipliedBy(2));
    }

    public void send(int other, int channel, String text) throws Exception {
        if (!page.eval("tc.send(" + other + ", " + quote(text) + ", " + channel + ")")
                .asBoolean()) {
            throw new AssertionError(
                    "web peer " + peerId + " has no open channel " + channel + " to " + other);
        }
    }

    public void awaitMessage(String entry) throws Exception {
        page.waitFor("t.messages.includes(" + quote(entry) + ")", WsClient.WAIT);
    }

    public void awaitSealedAndSignalingClosed() throws Exception {
        page.waitFor("t.sealed && t.closed", WsClient.WAIT.multipliedBy(2));
    }

    public void seal() throws Exception {
        page.eval("tc.seal()");
    }

    public List<String> errors() throws Exception {
        List<String> errors = new ArrayList<>();
        page.eval("t.errors").forEach(e -> errors.add(e.asText()));
        return errors;
    }

    static String quote(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
