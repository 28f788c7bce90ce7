package dev.godotsignal.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.discovery.ListQuery;
import dev.godotsignal.discovery.LobbyDirectory;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.localdb.DynamoDbLocal;
import dev.godotsignal.protocol.MessageCodec;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.protocol.ProtocolException;
import dev.godotsignal.resume.ResumeToken;
import dev.godotsignal.signaling.Closure;
import dev.godotsignal.signaling.PeerChannel;
import dev.godotsignal.signaling.SignalingService;
import dev.godotsignal.store.DynamoDbSignalingStore;
import dev.godotsignal.store.TableNames;
import dev.godotsignal.template.SamTemplate;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.turn.IceServers;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer over message parsing and dispatch: whatever a client sends, the codec only ever throws
 * ProtocolException, and the service (on the real store, DynamoDB Local) answers without an
 * unexpected exception. The discovery extension is in the target too: fuzzed MATCH requests from a
 * fresh ext connection, fuzzed LOBBY_DATA from the live lobby's host, and fuzzed list queries.
 * Bounded in the normal suite; the fuzz-long group runs without the bound. Tagged fuzz: it runs in
 * a JVM of its own (Jazzer ends its JVM when it is done).
 */
@Tag("fuzz")
class MessageFuzzTest {
    static DynamoDbLocal dynamo;
    static SignalingService service;
    static DynamoDbSignalingStore store;
    static final MessageCodec CODEC = new MessageCodec();
    static String lobby;
    static LobbyDirectory directory;
    static final ObjectMapper JSON = new ObjectMapper();

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
                        store,
                        () -> ResumeToken.newSecret(new SecureRandom()),
                        CHANNEL,
                        (timer, delay) -> {},
                        defaults,
                        new LobbyNames(new SecureRandom()),
                        new PeerIds(new SecureRandom()),
                        IceServers.none(),
                        dev.godotsignal.signaling.SignalingEvents.NONE,
                        Clock.systemUTC());
        directory = new LobbyDirectory(store, Clock.systemUTC());
        service.connect("fuzz-host", true, "default", Optional.empty(), Optional.empty());
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
        switch (data.consumeInt(0, 3)) {
            case 0 -> {
                String matcher = "fuzz-" + UUID.randomUUID();
                service.connect(matcher, true, "fuzz", Optional.empty(), Optional.empty());
                service.text(matcher, frame(MessageType.MATCH, data.consumeRemainingAsString()));
                service.disconnect(matcher, Closure.ASKED);
            }
            case 1 ->
                    // The host's refused requests leave it connected; accepted ones change its
                    // lobby, which the next fuzzed guests join.
                    service.text(
                            "fuzz-host",
                            frame(MessageType.LOBBY_DATA, data.consumeRemainingAsString()));
            case 2 -> listOnce(data);
            default -> guestOnce(data);
        }
    }

    static String frame(MessageType type, String data) {
        return JSON.createObjectNode()
                .put("type", type.code())
                .put("id", 0)
                .put("data", data)
                .toString();
    }

    /** A list query of fuzzed parameters: a clean refusal or a page, nothing else. */
    static void listOnce(FuzzedDataProvider data) {
        Map<String, String> parameters = new HashMap<>();
        int count = data.consumeInt(0, 5);
        for (int i = 0; i < count; i++) {
            parameters.put(
                    data.pickValue(List.of("game", "limit", "cursor", "map", "")),
                    data.consumeString(200));
        }
        try {
            directory.list(ListQuery.parse(parameters));
        } catch (ListQuery.BadQuery expected) {
            // a 400 with its reason
        }
    }

    static void guestOnce(FuzzedDataProvider data) {
        String guest = "fuzz-" + UUID.randomUUID();
        service.connect(
                guest, data.consumeBoolean(), "default", Optional.empty(), Optional.empty());
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
        service.disconnect(guest, Closure.ASKED);
    }
}
