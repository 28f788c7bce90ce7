package dev.godotsignal.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.localdb.DynamoDbLocal;
import dev.godotsignal.protocol.MessageCodec;
import dev.godotsignal.protocol.ProtocolException;
import dev.godotsignal.signaling.PeerChannel;
import dev.godotsignal.signaling.SignalingService;
import dev.godotsignal.store.DynamoDbSignalingStore;
import dev.godotsignal.store.TableNames;
import dev.godotsignal.template.SamTemplate;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.turn.IceServers;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer over message parsing and dispatch: whatever a client sends, the codec only ever throws
 * ProtocolException, and the service (on the real store, DynamoDB Local) answers without an
 * unexpected exception. Bounded in the normal suite; the fuzz-long group runs without the bound.
 */
class MessageFuzzTest {
    static DynamoDbLocal dynamo;
    static SignalingService service;
    static DynamoDbSignalingStore store;
    static final MessageCodec CODEC = new MessageCodec();
    static String lobby;

    /** Frames go nowhere; only exceptions matter here. */
    static final PeerChannel CHANNEL =
            new PeerChannel() {
                @Override
                public Delivery send(String connectionId, String frame) {
                    return Delivery.DELIVERED;
                }

                @Override
                public boolean exists(String connectionId) {
                    return true;
                }

                @Override
                public void close(String connectionId) {}
            };

    @BeforeAll
    static void start() throws Exception {
        dynamo = DynamoDbLocal.start(Optional.empty());
        dynamo.createTables(SamTemplate.load(TestGateways.template(), Map.of()).tables());
        store =
                new DynamoDbSignalingStore(
                        dynamo.client(), new TableNames("ConnectionsTable", "LobbiesTable"));
        Limits defaults = Limits.defaults();
        service =
                new SignalingService(
                        store,
                        store,
                        CHANNEL,
                        (timer, delay) -> {},
                        defaults,
                        new LobbyNames(new SecureRandom()),
                        new PeerIds(new SecureRandom()),
                        IceServers.none(),
                        dev.godotsignal.signaling.SignalingEvents.NONE,
                        Clock.systemUTC());
        service.connect("fuzz-host", true, "default", Optional.empty());
        service.text("fuzz-host", "{\"type\":0,\"id\":0,\"data\":\"\"}");
        lobby =
                store.connection("fuzz-host", java.time.Instant.now())
                        .orElseThrow()
                        .membership()
                        .orElseThrow()
                        .lobby();
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    /** Jazzer fuzzes one test per run, so parsing and dispatch share one target. */
    @FuzzTest(maxDuration = "25s")
    void parsingAndDispatch(FuzzedDataProvider data) {
        dispatchOnce(data);
    }

    @Tag("fuzz-long")
    @FuzzTest(maxDuration = "30m")
    void dispatchForLong(FuzzedDataProvider data) {
        dispatchOnce(data);
    }

    /**
     * A guest of a live lobby (fresh each time: most fuzz frames get it closed) sends the frame.
     */
    static void dispatchOnce(FuzzedDataProvider data) {
        String guest = "fuzz-" + UUID.randomUUID();
        service.connect(guest, data.consumeBoolean(), "default", Optional.empty());
        if (data.consumeBoolean()) {
            service.text(guest, "{\"type\":0,\"id\":0,\"data\":\"" + lobby + "\"}");
        }
        if (data.consumeBoolean()) {
            service.binary(guest);
        }
        String frame = data.consumeRemainingAsString();
        try {
            CODEC.decode(frame);
        } catch (ProtocolException expected) {
            // the only way the codec may refuse a client's frame
        }
        service.text(guest, frame);
        service.disconnect(guest);
    }
}
