package dev.godotsignal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One simulated Godot peer speaking only the demo protocol: joins, offers to smaller ids (the
 * larger id offers), answers, trickles candidates, and time-stamps what it relays so the receiver
 * can measure latency and spot lost or duplicated messages.
 */
final class BenchPeer implements WebSocket.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchSession session;
    private final StringBuilder partial = new StringBuilder();
    final CompletableFuture<Void> joined = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    /** The server's SEAL, which it sends the host too once the lobby is sealed. */
    final CompletableFuture<Void> sealed = new CompletableFuture<>();

    volatile WebSocket socket;
    volatile int id;
    volatile String lobby;
    volatile long joinStarted;
    private volatile boolean closing;

    BenchPeer(BenchSession session) {
        this.session = session;
    }

    void connect(HttpClient http, URI url, String lobbyToJoin) {
        joinStarted = System.nanoTime();
        var unused =
                http.newWebSocketBuilder()
                        .buildAsync(url, this)
                        .whenComplete(
                                (ws, error) -> {
                                    if (error != null) {
                                        joined.completeExceptionally(error);
                                        return;
                                    }
                                    socket = ws;
                                    send(0, session.mesh() ? 0 : 1, lobbyToJoin);
                                });
    }

    synchronized void send(int type, int to, String data) {
        try {
            socket.sendText(
                            JSON.createObjectNode()
                                    .put("type", type)
                                    .put("id", to)
                                    .put("data", data)
                                    .toString(),
                            true)
                    .get(30, TimeUnit.SECONDS);
            session.stats().sent();
        } catch (Exception e) {
            session.stats().error("send: " + e.getMessage());
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            session.stats().framesIn.incrementAndGet();
            try {
                handle(JSON.readTree(text));
            } catch (Exception e) {
                session.stats().error("frame: " + e.getMessage());
            }
        }
        ws.request(1);
        return null;
    }

    private void handle(JsonNode msg) {
        int type = msg.path("type").asInt(-1);
        int from = msg.path("id").asInt();
        String data = msg.path("data").asText("");
        switch (type) {
            case 1 -> id = from;
            case 0 -> {
                lobby = data;
                session.stats().joinLatency(System.nanoTime() - joinStarted);
                joined.complete(null);
            }
            case 2 -> session.peerConnected(this, from);
            case 7 -> sealed.complete(null);
            case 4, 5, 6 -> session.received(this, type, from, data);
            case 100 -> {
                session.stats().error("server error: " + data);
                joined.completeExceptionally(new IllegalStateException(data));
            }
            default -> {}
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        if (!closing) {
            // The server ended the session early (a deadline, a refusal): say so, with its words.
            session.stats().error("closed by the server: " + statusCode + " " + reason);
        }
        closed.complete(null);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        joined.completeExceptionally(error);
        closed.complete(null);
    }

    void close() {
        closing = true;
        if (socket != null && !closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").exceptionally(e -> null);
        }
    }
}
