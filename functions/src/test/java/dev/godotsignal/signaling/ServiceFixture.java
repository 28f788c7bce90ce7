package dev.godotsignal.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.resume.ResumeToken;
import dev.godotsignal.turn.IceServers;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service with the in-memory store, a recording peer channel, timers fired by hand and a fixed
 * clock, and the moves every rule test makes (connect, create, join, read the frames sent).
 */
abstract class ServiceFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Limits LIMITS =
            new Limits(
                    4,
                    10,
                    16 * 1024,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5),
                    50,
                    400,
                    Duration.ZERO);

    final InMemorySignalingStore store = new InMemorySignalingStore();
    final RecordingPeerChannel channel = new RecordingPeerChannel();
    final ManualTimers timers = new ManualTimers();
    final Clock clock = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
    SignalingService service = service(LIMITS);
    int connections;

    SignalingService service(Limits limits) {
        return new SignalingService(
                store,
                store,
                store,
                () -> ResumeToken.newSecret(new SecureRandom()),
                channel,
                timers,
                limits,
                new LobbyNames(new SecureRandom()),
                new PeerIds(new SecureRandom()),
                IceServers.none(),
                SignalingEvents.NONE,
                clock);
    }

    /** A connected client; {@code ext}: it opted in to extension frames. */
    record Client(String id, boolean ext) {}

    /** A client in a lobby. */
    record Peer(Client client, int peerId, String lobby) {
        String id() {
            return client.id();
        }
    }

    Client connect(boolean ext) {
        return connect(ext, Games.DEFAULT);
    }

    Client connect(boolean ext, String game) {
        Client client = new Client("conn-" + ++connections, ext);
        service.connect(client.id(), ext, game, Optional.empty(), Optional.empty());
        return client;
    }

    void send(String connectionId, MessageType type, int id, String data) {
        service.text(connectionId, frame(type.code(), id, data));
    }

    static String frame(int type, int id, String data) {
        return JSON.createObjectNode().put("type", type).put("id", id).put("data", data).toString();
    }

    List<JsonNode> frames(String connectionId) throws Exception {
        List<JsonNode> frames = new ArrayList<>();
        for (String frame : channel.take(connectionId)) {
            frames.add(JSON.readTree(frame));
        }
        return frames;
    }

    static String show(JsonNode frame) {
        return frame.get("type").asInt()
                + "/"
                + frame.get("id").asInt()
                + "/"
                + frame.get("data").asText();
    }

    List<String> shown(String connectionId) throws Exception {
        return frames(connectionId).stream().map(ServiceFixture::show).toList();
    }

    Peer host(boolean mesh) throws Exception {
        Client client = connect(true);
        send(client.id(), MessageType.JOIN, mesh ? 0 : 1, "");
        List<JsonNode> frames = frames(client.id());
        assertEquals(2, frames.size(), frames.toString());
        return new Peer(
                client, frames.get(0).get("id").asInt(), frames.get(1).get("data").asText());
    }

    Peer join(String lobby, boolean ext) throws Exception {
        Client client = connect(ext);
        send(client.id(), MessageType.JOIN, 0, lobby);
        List<JsonNode> frames =
                channel.take(client.id()).stream().map(ServiceFixture::parse).toList();
        JsonNode id = frames.get(0);
        assertEquals(MessageType.ID.code(), id.get("type").asInt(), frames.toString());
        // The confirmation ends the join; only an ext joiner's LOBBY_DATA may follow it.
        int last = frames.size() - 1;
        if (frames.get(last).get("type").asInt() == MessageType.LOBBY_DATA.code() && ext) {
            last--;
        }
        assertEquals(
                MessageType.JOIN.code(), frames.get(last).get("type").asInt(), frames.toString());
        return new Peer(client, id.get("id").asInt(), lobby);
    }

    static JsonNode parse(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String error(ErrorReason reason) {
        return MessageType.ERROR.code() + "/4000/" + reason.text();
    }
}
