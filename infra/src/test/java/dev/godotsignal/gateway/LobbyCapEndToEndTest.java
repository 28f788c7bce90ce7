package dev.godotsignal.gateway;

import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live-lobby cap, configured through the template parameter. */
class LobbyCapEndToEndTest {

    @Test
    void tooManyLobbies() throws Exception {
        try (LocalGateway gateway = TestGateways.start(Map.of("MaxLobbies", "2"));
                WsClient one = WsClient.connect(gateway.url());
                WsClient two = WsClient.connect(gateway.url());
                WsClient three = WsClient.connectWithExtensions(gateway.url())) {
            one.send(MessageType.JOIN, 0, "");
            one.expect(MessageType.ID, 1, "true");
            two.send(MessageType.JOIN, 1, "");
            two.expect(MessageType.ID, 1, "");
            three.send(MessageType.JOIN, 0, "");
            three.expect(MessageType.ERROR, 4000, "Too many lobbies open, disconnecting");
            three.awaitClose();
            one.close(); // its lobby is destroyed, so a new one fits again
            Thread.sleep(500);
            try (WsClient four = WsClient.connect(gateway.url())) {
                four.send(MessageType.JOIN, 0, "");
                four.expect(MessageType.ID, 1, "true");
            }
        }
    }
}
