package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.LocalGatewayExtension;
import dev.godotsignal.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-connection message rate limit (a token bucket in the connection's item). */
class AbuseEndToEndTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY =
            LocalGatewayExtension.withParameters(
                    Map.of("MessagesPerSecond", "5", "MessageBurst", "10"));

    @Test
    void aFloodEarnsAnErrorAndACloseAndNobodyElseNotices() throws Exception {
        try (WsClient host = WsClient.connect(GATEWAY.get().url());
                WsClient flooder = WsClient.connectWithExtensions(GATEWAY.get().url());
                WsClient polite = WsClient.connect(GATEWAY.get().url())) {
            String lobby = hosted(host);
            int flooderId = joined(flooder, lobby, host);
            polite.send(MessageType.JOIN, 0, lobby);
            int politeId = polite.expect(MessageType.ID).path("id").asInt();
            for (int i = 0; i < 60; i++) {
                flooder.send(MessageType.OFFER, 1, "flood " + i);
            }
            String raw;
            boolean errored = false;
            while ((raw = flooder.nextRaw(WsClient.WAIT)) != null) {
                if (raw.contains("Too many messages")) {
                    errored = true;
                    break;
                }
            }
            assertTrue(errored, "the flooder was told");
            flooder.awaitClose();
            // A client at a sane pace (2 a second, well under the limit of 5) is never limited. The
            // windows are counted when the gateway runs the frames: on a loaded machine a backlog
            // can bunch frames sent at 4 a second into one 2-second window of 10.
            for (int i = 0; i < 12; i++) {
                polite.send(MessageType.OFFER, 1, "polite " + i);
                Thread.sleep(500);
            }
            int politeOffers = 0;
            while ((raw = host.nextRaw(Duration.ofSeconds(2))) != null) {
                politeOffers += raw.contains("polite") ? 1 : 0;
            }
            assertTrue(politeOffers == 12, "every polite offer arrived: " + politeOffers);
            assertTrue(
                    !polite.isClosed(), "the polite client is still connected (" + politeId + ")");
        }
    }

    /**
     * A demo client's candidates mostly spend rate tokens their environment took ahead, without a
     * write each: the flood is cut off all the same (a demo client gets no error frame, only the
     * close), and its lobby is told it left.
     */
    @Test
    void aDemoClientsFloodOfCandidatesIsCutOffToo() throws Exception {
        try (WsClient host = WsClient.connect(GATEWAY.get().url());
                WsClient flooder = WsClient.connect(GATEWAY.get().url())) {
            String lobby = hosted(host);
            int flooderId = joined(flooder, lobby, host);
            try {
                for (int i = 0; i < 60; i++) {
                    flooder.send(MessageType.CANDIDATE, 1, "0\n0\nflood " + i);
                }
            } catch (java.util.concurrent.CompletionException closedMeanwhile) {
                // the gateway closed it mid-flood
            }
            flooder.awaitClose();
            // The host hears of the flooder's leave, after at most the candidates of the windows
            // the flood fell in (10 each, the JOIN's token included).
            int relayed = 0;
            String raw;
            while ((raw = host.nextRaw(WsClient.WAIT)) != null
                    && !raw.contains("\"type\":" + MessageType.PEER_DISCONNECT.code())) {
                relayed += raw.contains("flood") ? 1 : 0;
            }
            assertTrue(raw != null, "the host was told the flooder left");
            assertTrue(relayed < 20, relayed + " of the flood's 60 candidates relayed");
        }
    }

    /** The host opens a lobby; its name. */
    static String hosted(WsClient host) {
        host.send(MessageType.JOIN, 0, "");
        host.expect(MessageType.ID, 1, "true");
        return host.expect(MessageType.JOIN).path("data").asText();
    }

    /** A peer joins the host's lobby; its id, once the host has heard of it. */
    static int joined(WsClient peer, String lobby, WsClient host) {
        peer.send(MessageType.JOIN, 0, lobby);
        int id = peer.expect(MessageType.ID).path("id").asInt();
        host.expect(MessageType.PEER_CONNECT, id, "");
        return id;
    }
}
