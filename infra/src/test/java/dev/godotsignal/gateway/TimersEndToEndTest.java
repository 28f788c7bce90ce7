package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timers without a server: delayed messages on the template's timer queue (SQS, emulated by the
 * gateway) fire the timer function, which closes connections that never joined and finds peers
 * whose $disconnect never came.
 */
class TimersEndToEndTest {
    static LocalGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(Map.of("JoinDeadlineSeconds", "1", "LivenessCheckSeconds", "1",
                "SealCloseDelaySeconds", "1"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aConnectionThatNeverJoinsIsClosedAtTheDeadline() {
        try (WsClient idle = WsClient.connectWithExtensions(gateway.url());
             WsClient plain = WsClient.connect(gateway.url())) {
            long start = System.nanoTime();
            idle.expect(100, 4000, "Have not joined lobby yet");
            idle.awaitClose();
            plain.awaitClose();
            assertEquals(null, plain.nextRaw(java.time.Duration.ofMillis(50)), "a demo client only sees the close");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 800, "not before the deadline: " + waited + " ms");
        }
    }

    @Test
    void aGuestWhoseDisconnectNeverCameIsFoundAndAnnounced() {
        gateway.dropDisconnectEvents(true);
        try (WsClient host = WsClient.connect(gateway.url()); WsClient guest = WsClient.connect(gateway.url())) {
            host.send(0, 0, "");
            host.expect(1, 1, "true");
            String lobby = host.expect(0).path("data").asText();
            guest.send(0, 0, lobby);
            int guestId = guest.expect(1).path("id").asInt();
            host.expect(2, guestId, "");
            guest.expect(2, 1, "");
            guest.expect(0, 0, lobby);
            guest.abort(); // gone, and no $disconnect: nobody relays to it either
            host.expect(3, guestId, ""); // the liveness check found it
        } finally {
            gateway.dropDisconnectEvents(false);
        }
    }

    @Test
    void anAbandonedLobbyIsDestroyedWhenItsHostIsFoundGone() {
        gateway.dropDisconnectEvents(true);
        try (WsClient host = WsClient.connect(gateway.url()); WsClient guest = WsClient.connectWithExtensions(gateway.url())) {
            host.send(0, 0, "");
            host.expect(1, 1, "true");
            String lobby = host.expect(0).path("data").asText();
            guest.send(0, 0, lobby);
            guest.expect(1);
            host.expect(2);
            host.abort();
            guest.expect(2, 1, "");
            guest.expect(0, 0, lobby);
            guest.expect(100, 4000, "Room host has disconnected");
            guest.awaitClose();
        } finally {
            gateway.dropDisconnectEvents(false);
        }
    }
}
