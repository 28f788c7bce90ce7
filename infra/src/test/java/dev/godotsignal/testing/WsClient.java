package dev.godotsignal.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.protocol.MessageType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that records every frame it receives, and its close. */
public final class WsClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WsClient(URI uri) {
        this.socket =
                HTTP.newWebSocketBuilder()
                        .connectTimeout(WAIT)
                        .buildAsync(uri, new Listener())
                        .join();
    }

    public static WsClient connect(URI uri) {
        return new WsClient(uri);
    }

    /** A client that opted in to extension frames (ERROR), like the project's own clients. */
    public static WsClient connectWithExtensions(URI uri) {
        return new WsClient(URI.create(uri + (uri.toString().contains("?") ? "&" : "?") + "ext=1"));
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void send(int type, int id, String data) {
        send(frame(type, id, data));
    }

    public void send(MessageType type, int id, String data) {
        send(type.code(), id, data);
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    public static String frame(int type, int id, String data) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", type);
        node.put("id", id);
        node.put("data", data);
        return node.toString();
    }

    /** The next frame, parsed; fails the test if none comes in time. */
    public JsonNode next() {
        String raw = nextRaw(WAIT);
        if (raw == null) {
            fail(
                    "no frame within "
                            + WAIT
                            + (closed.isDone() ? " (socket closed " + closed.join() + ")" : ""));
        }
        try {
            return JSON.readTree(raw);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + raw, e);
        }
    }

    public String nextRaw(Duration wait) {
        try {
            return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Asserts the next frame is exactly {@code {"type":type,"id":id,"data":data}} and returns it.
     */
    public JsonNode expect(int type, int id, String data) {
        JsonNode frame = next();
        assertEquals(type, frame.path("type").asInt(-1), "type of " + frame);
        assertEquals(id, frame.path("id").asInt(-1), "id of " + frame);
        assertEquals(data, frame.path("data").asText(null), "data of " + frame);
        return frame;
    }

    public JsonNode expect(MessageType type, int id, String data) {
        return expect(type.code(), id, data);
    }

    public JsonNode expect(MessageType type) {
        return expect(type.code());
    }

    /** Asserts the next frame has this type and returns it. */
    public JsonNode expect(int type) {
        JsonNode frame = next();
        assertEquals(type, frame.path("type").asInt(-1), "type of " + frame);
        return frame;
    }

    /** Asserts nothing arrives for a while (frames that did arrive are reported). */
    public void expectNothing(Duration wait) {
        assertNull(nextRaw(wait), "unexpected frame");
    }

    /** Waits for the server to close the socket; returns the close code. */
    public int awaitClose() {
        try {
            return closed.get(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(
                    "socket not closed by the server within " + WAIT.multipliedBy(2));
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** The close code, once closed (1006 when the connection was lost without a handshake). */
    public int closeCode() {
        return closed.getNow(-1);
    }

    /** Closes like a client leaving a game. */
    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
            try {
                closed.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }

    /** Drops the TCP connection without a close handshake, like a crashed game or lost network. */
    public void abort() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            frames.add("<binary " + data.remaining() + " bytes>");
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(1006);
        }
    }
}
