package dev.godotsignal.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.GodotDemoClient;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.NativeGodotPeer;
import dev.godotsignal.testing.Resumes;
import dev.godotsignal.testing.WebPeer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The reason this project exists: native and web players reach each other. A native peer (libwebrtc
 * through webrtc-java) and web peers (the project's web client in headless Chromium) meet through
 * the local gateway, open Godot's data channels and talk both ways — before and after SEAL closes
 * the signaling sockets. Each subclass starts the gateway (plain, or in chaos mode) and Chromium in
 * a {@code @BeforeAll} of its own: JUnit runs a superclass's {@code @BeforeAll} too, even when a
 * subclass declares one with the same name, so the scenarios' class declares none.
 */
public abstract class NativeWebScenarios {
    protected static LocalGateway gateway;
    protected static HeadlessChromium chromium;
    final List<NativeGodotPeer> natives = new ArrayList<>();
    long started;

    @AfterAll
    protected static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void clock() {
        started = System.nanoTime();
    }

    @AfterEach
    void closeNatives(TestInfo info) {
        natives.forEach(NativeGodotPeer::close);
        System.out.printf(
                "interop %-45s %5d ms%n",
                info.getDisplayName(), (System.nanoTime() - started) / 1_000_000);
    }

    NativeGodotPeer nativeHost(boolean mesh) {
        NativeGodotPeer host = NativeGodotPeer.host(gateway.url(), mesh);
        natives.add(host);
        GodotDemoClient.await("native host's lobby", () -> host.lobby != null);
        return host;
    }

    NativeGodotPeer nativeJoin(String lobby) {
        NativeGodotPeer peer = NativeGodotPeer.join(gateway.url(), lobby);
        natives.add(peer);
        GodotDemoClient.await("native peer joined", () -> peer.lobby != null);
        return peer;
    }

    /** Both directions on every one of Godot's three channels. */
    static void talk(NativeGodotPeer n, WebPeer w, String tag) throws Exception {
        NativeGodotPeer.Link link = n.awaitOpen(w.peerId);
        w.awaitOpen(n.peerId);
        for (int channel = 1; channel <= 3; channel++) {
            String toWeb = tag + " native->web on " + channel;
            n.send(w.peerId, channel, toWeb);
            w.awaitMessage(n.peerId + ":" + channel + ":" + toWeb);
            String toNative = tag + " web->native on " + channel + " ünïcödé 🎮";
            w.send(n.peerId, channel, toNative);
            String expected = channel + ":" + toNative;
            GodotDemoClient.await(toNative, () -> link.received.contains(expected));
        }
    }

    static void talk(WebPeer a, WebPeer b, String tag) throws Exception {
        a.awaitOpen(b.peerId);
        b.awaitOpen(a.peerId);
        a.send(b.peerId, 1, tag + " a->b");
        b.awaitMessage(a.peerId + ":1:" + tag + " a->b");
        b.send(a.peerId, 1, tag + " b->a");
        a.awaitMessage(b.peerId + ":1:" + tag + " b->a");
    }

    @Test
    void nativeHostWebJoiner() throws Exception {
        NativeGodotPeer host = nativeHost(true);
        WebPeer web = WebPeer.join(chromium, gateway, host.lobby, true);
        talk(host, web, "before seal");
        host.seal();
        web.awaitSealedAndSignalingClosed();
        GodotDemoClient.await("native signaling closed", host::signalingClosed);
        talk(host, web, "after seal");
        assertEquals(List.of(), host.errors);
        assertEquals(List.of(), web.errors());
    }

    @Test
    void webHostNativeJoiner() throws Exception {
        WebPeer host = WebPeer.join(chromium, gateway, "", true);
        assertEquals(1, host.peerId);
        NativeGodotPeer guest = nativeJoin(host.lobby);
        talk(guest, host, "before seal");
        host.seal();
        host.awaitSealedAndSignalingClosed();
        GodotDemoClient.await(
                "native sealed and closed", () -> guest.sealed && guest.signalingClosed());
        talk(guest, host, "after seal");
        assertEquals(List.of(), guest.errors);
    }

    /**
     * The web host's signaling socket drops before a native joiner arrives, and stays down while
     * the joiner's OFFER is sent: the OFFER is kept, delivered when the host's client resumes by
     * itself, and the native↔web link completes.
     */
    @Test
    void webHostBlipsMidNegotiationAndTheNativeJoinersOfferWaitsForIt() throws Exception {
        WebPeer host = WebPeer.join(chromium, gateway, "", true);
        host.holdResumes();
        gateway.dropConnection(Resumes.connectionOf(gateway, host.lobby, 1));
        host.awaitResuming();
        NativeGodotPeer guest = nativeJoin(host.lobby);
        GodotDemoClient.await(
                "the joiner's OFFER kept for the suspended host",
                () -> Resumes.keptCount(gateway, host.lobby, 1) >= 2);
        host.networkBack();
        host.awaitResumed();
        talk(guest, host, "after the blip");
        assertEquals(List.of(), guest.errors);
        assertEquals(List.of(), host.errors());
    }

    @Test
    void threePeerMeshOfTwoBrowsersAndOneNative() throws Exception {
        WebPeer host = WebPeer.join(chromium, gateway, "", true);
        NativeGodotPeer native1 = nativeJoin(host.lobby);
        WebPeer web2 = WebPeer.join(chromium, gateway, host.lobby, true);
        talk(native1, host, "mesh");
        talk(native1, web2, "mesh");
        talk(host, web2, "mesh");
        host.seal();
        host.awaitSealedAndSignalingClosed();
        web2.awaitSealedAndSignalingClosed();
        talk(native1, web2, "after seal");
        talk(host, web2, "after seal");
    }

    @Test
    void clientServerLobbyWithANativeHostAndTwoWebClients() throws Exception {
        NativeGodotPeer host = nativeHost(false);
        WebPeer a = WebPeer.join(chromium, gateway, host.lobby, false);
        WebPeer b = WebPeer.join(chromium, gateway, host.lobby, false);
        talk(host, a, "server");
        talk(host, b, "server");
        // Clients connect only to the host, never to each other.
        assertEquals(1, a.page.eval("tc.peers().length").asInt());
        assertEquals(1, b.page.eval("tc.peers().length").asInt());
        host.seal();
        a.awaitSealedAndSignalingClosed();
        b.awaitSealedAndSignalingClosed();
        talk(host, a, "after seal");
        talk(host, b, "after seal");
    }
}
