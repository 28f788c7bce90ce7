package dev.godotsignal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.protocol.MessageType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare WebSocket client for the cost measurements: frames in a queue, nothing automatic. */
final class ExtSocket implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    ExtSocket(URI uri) {
        socket = HTTP.newWebSocketBuilder().buildAsync(uri, this).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                frames.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + partial, e);
            }
            partial.setLength(0);
        }
        ws.request(1);
        return null;
    }

    void send(MessageType type, int id, String data) {
        socket.sendText(
                        JSON.createObjectNode()
                                .put("type", type.code())
                                .put("id", id)
                                .put("data", data)
                                .toString(),
                        true)
                .join();
    }

    /** Frames up to and including the first of {@code type}. */
    JsonNode await(MessageType type) throws InterruptedException {
        while (true) {
            JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new IllegalStateException("no " + type + " within 10 s");
            }
            if (frame.path("type").asInt() == type.code()) {
                return frame;
            }
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
    }
}
