package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.LocalGatewayExtension;
import dev.godotsignal.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Timers without a server: delayed messages on the template's timer queue (SQS, emulated by the
 * GATEWAY.get()) fire the timer function, which closes connections that never joined and finds
 * peers whose $disconnect never came.
 */
class TimersEndToEndTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY =
            LocalGatewayExtension.withParameters(
                    Map.of(
                            "JoinDeadlineSeconds",
                            "1",
                            "LivenessCheckSeconds",
                            "1",
                            "SealCloseDelaySeconds",
                            "1"));

    @Test
    void aConnectionThatNeverJoinsIsClosedAtTheDeadline() {
        try (WsClient idle = WsClient.connectWithExtensions(GATEWAY.get().url());
                WsClient plain = WsClient.connect(GATEWAY.get().url())) {
            long start = System.nanoTime();
            idle.expect(MessageType.ERROR, 4000, "Have not joined lobby yet");
            idle.awaitClose();
            plain.awaitClose();
            assertEquals(
                    null,
                    plain.nextRaw(java.time.Duration.ofMillis(50)),
                    "a demo client only sees the close");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 800, "not before the deadline: " + waited + " ms");
        }
    }

    @Test
    void aGuestWhoseDisconnectNeverCameIsFoundAndAnnounced() {
        GATEWAY.get().dropDisconnectEvents(true);
        try (WsClient host = WsClient.connect(GATEWAY.get().url());
                WsClient guest = WsClient.connect(GATEWAY.get().url())) {
            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID, 1, "true");
            String lobby = host.expect(MessageType.JOIN).path("data").asText();
            guest.send(MessageType.JOIN, 0, lobby);
            int guestId = guest.expect(MessageType.ID).path("id").asInt();
            host.expect(MessageType.PEER_CONNECT, guestId, "");
            guest.expect(MessageType.PEER_CONNECT, 1, "");
            guest.expect(MessageType.JOIN, 0, lobby);
            guest.abort(); // gone, and no $disconnect: nobody relays to it either
            host.expect(MessageType.PEER_DISCONNECT, guestId, ""); // the liveness check found it
        } finally {
            GATEWAY.get().dropDisconnectEvents(false);
        }
    }

    @Test
    void anAbandonedLobbyIsDestroyedWhenItsHostIsFoundGone() {
        GATEWAY.get().dropDisconnectEvents(true);
        try (WsClient host = WsClient.connect(GATEWAY.get().url());
                WsClient guest = WsClient.connectWithExtensions(GATEWAY.get().url())) {
            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID, 1, "true");
            String lobby = host.expect(MessageType.JOIN).path("data").asText();
            guest.send(MessageType.JOIN, 0, lobby);
            guest.expect(MessageType.ID);
            guest.expect(MessageType.RESUME);
            host.expect(MessageType.PEER_CONNECT);
            host.abort(); // a demo client: its drop is a leave, found by the liveness check
            guest.expect(MessageType.PEER_CONNECT, 1, "");
            guest.expect(MessageType.JOIN, 0, lobby);
            guest.expect(MessageType.ERROR, 4000, "Room host has disconnected");
            guest.awaitClose();
        } finally {
            GATEWAY.get().dropDisconnectEvents(false);
        }
    }
}
