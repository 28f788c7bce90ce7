package dev.godotsignal.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chaos network's drops are blips in a session, never failed joins: with every connection
 * chosen, one the server has sent nothing yet is left alone past the whole drop window, and one
 * that joins is dropped (1006) no sooner than {@link ChaosOptions#DROP_AFTER} after its first frame
 * from the server.
 */
class ChaosDropTest {

    @Test
    void aDropComesOnlyAfterTheServersFirstFrame() throws Exception {
        ChaosOptions everyConnection = new ChaosOptions(3, Duration.ZERO, 0, 0, 0, 0, 1.0);
        try (LocalGateway gateway =
                        LocalGateway.start(
                                TestGateways.options(Map.of("JoinDeadlineSeconds", "30"))
                                        .withChaos(everyConnection));
                WsClient quiet = WsClient.connect(gateway.url());
                WsClient host = WsClient.connect(gateway.url())) {
            // A machine too busy to answer a JOIN for this long would have seen it dropped.
            Thread.sleep(
                    ChaosOptions.DROP_AFTER
                            .plus(ChaosOptions.DROP_WINDOW)
                            .plusMillis(500)
                            .toMillis());
            assertFalse(quiet.isClosed(), "nothing was sent to it: not dropped");
            assertFalse(host.isClosed(), "nothing was sent to it yet: not dropped");

            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID);
            long firstFrame = System.nanoTime();
            host.expect(MessageType.JOIN);
            assertEquals(1006, host.awaitClose(), "dropped without a close handshake");
            long after = Duration.ofNanos(System.nanoTime() - firstFrame).toMillis();
            // The client read its first frame a moment after the server sent it.
            assertTrue(
                    after >= ChaosOptions.DROP_AFTER.toMillis() - 100,
                    "dropped " + after + " ms after its first frame");
            assertFalse(quiet.isClosed(), "still not dropped: it has had no frame");
        }
    }
}
