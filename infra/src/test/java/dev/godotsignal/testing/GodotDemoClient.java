package dev.godotsignal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Replays what Godot 4's signaling demo client does ({@code ws_webrtc_client.gd} and {@code
 * multiplayer_client.gd}): JOIN as soon as the socket opens, create a peer per PEER_CONNECT, the
 * peer with the larger id sends the offer, the other answers, both trickle candidates as {@code
 * "\n<mid>\n<index>\n<candidate>"}. Every frame it receives is checked against the demo client's
 * parser ({@link GodotClientRules}); a frame it would reject is recorded.
 */
public final class GodotDemoClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CANDIDATES_PER_PEER = 3;

    private final WsClient ws;
    private final Thread reader;
    private volatile boolean running = true;
    public volatile int uniqueId;
    public volatile Boolean mesh;
    public volatile String lobby;
    public volatile boolean sealed;
    public final Set<Integer> peers = ConcurrentHashMap.newKeySet();
    public final Set<Integer> disconnectedPeers = ConcurrentHashMap.newKeySet();
    public final Map<Integer, String> offersFrom = new ConcurrentHashMap<>();

    /**
     * Every relayed frame received, counted per "type:from" (a duplicate shows as a count over 1).
     */
    public final Map<String, Integer> relayedCounts = new ConcurrentHashMap<>();

    public final Map<Integer, String> answersFrom = new ConcurrentHashMap<>();
    public final Map<Integer, List<String>> candidatesFrom = new ConcurrentHashMap<>();
    public final List<String> rejected = new CopyOnWriteArrayList<>();

    /**
     * Candidates that arrived before the description of the same direction (Godot would lose them).
     */
    public final List<String> earlyCandidates = new CopyOnWriteArrayList<>();

    public final List<String> received = new CopyOnWriteArrayList<>();

    private GodotDemoClient(URI url, boolean useMesh, String lobbyToJoin) {
        this.ws = WsClient.connect(url);
        // _process(): on OPEN, join_lobby(lobby) with 0 for mesh, 1 for client/server.
        ws.send(godotStringify(0, useMesh ? 0 : 1, lobbyToJoin));
        this.reader = new Thread(this::readLoop, "godot-demo-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static GodotDemoClient host(URI url, boolean mesh) {
        return new GodotDemoClient(url, mesh, "");
    }

    public static GodotDemoClient join(URI url, boolean mesh, String lobby) {
        return new GodotDemoClient(url, mesh, lobby);
    }

    /** seal_lobby(): host only. */
    public void seal() {
        ws.send(godotStringify(7, 0, ""));
    }

    public boolean socketClosed() {
        return ws.isClosed();
    }

    /**
     * JSON.stringify({"type": t, "id": i, "data": d}) as Godot 4 writes it (insertion order, ints).
     */
    static String godotStringify(int type, int id, String data) {
        return "{\"type\":" + type + ",\"id\":" + id + ",\"data\":" + JSON.valueToTree(data) + "}";
    }

    private void readLoop() {
        while (running) {
            String raw = ws.nextRaw(Duration.ofMillis(50));
            if (raw == null) {
                if (ws.isClosed()) {
                    return;
                }
                continue;
            }
            received.add(raw);
            GodotClientRules.rejection(raw)
                    .ifPresentOrElse(why -> rejected.add(why + ": " + raw), () -> handle(raw));
        }
    }

    private void handle(String raw) {
        JsonNode msg;
        try {
            msg = JSON.readTree(raw);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int type = (int) msg.get("type").asDouble();
        int id = (int) msg.get("id").asDouble();
        String data = msg.get("data").asText();
        if (type >= 4 && type <= 6) {
            relayedCounts.merge(type + ":" + id + ":" + data.hashCode(), 1, Integer::sum);
        }
        switch (type) {
            case 1 -> { // ID: connected(id, data == "true") -> create_mesh / create_server /
                // create_client
                uniqueId = id;
                mesh = data.equals("true");
            }
            case 0 -> lobby = data; // JOIN: lobby_joined
            case 7 -> sealed = true; // SEAL: lobby_sealed
            case 2 -> { // PEER_CONNECT: _create_peer(id)
                if (uniqueId == 0) {
                    rejected.add("PEER_CONNECT before ID: " + raw);
                }
                peers.add(id);
                if (id < uniqueId) { // the larger id offers; the lobby creator never does
                    ws.send(godotStringify(4, id, sdp("offer", uniqueId, id)));
                    trickle(id);
                }
            }
            case 3 -> { // PEER_DISCONNECT: rtc_mp.remove_peer(id)
                peers.remove(id);
                disconnectedPeers.add(id);
            }
            case 4 -> { // OFFER: set_remote_description("offer") -> answer
                if (!peers.contains(id)) {
                    rejected.add("OFFER from unknown peer: " + raw);
                }
                offersFrom.put(id, data);
                ws.send(godotStringify(5, id, sdp("answer", uniqueId, id)));
                trickle(id);
            }
            case 5 -> answersFrom.put(id, data);
            case 6 -> {
                if (!offersFrom.containsKey(id) && !answersFrom.containsKey(id)) {
                    earlyCandidates.add("from " + id + ": " + data.trim());
                }
                candidatesFrom.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(data);
            }
            default -> rejected.add("unexpected: " + raw);
        }
    }

    private void trickle(int to) {
        for (int i = 0; i < CANDIDATES_PER_PEER; i++) {
            // Native Godot reports mline index 0 for every candidate.
            ws.send(
                    godotStringify(
                            6,
                            to,
                            "\n0\n0\ncandidate:"
                                    + i
                                    + " 1 udp 2122260223 192.168.1."
                                    + uniqueId % 250
                                    + " "
                                    + (50000 + i)
                                    + " typ host generation 0 ufrag abcd network-id 1"));
        }
    }

    /** A realistic SDP with CRLF line ends, tagged with who wrote it for whom. */
    static String sdp(String kind, int from, int to) {
        return "v=0\r\no=- "
                + (4611731400430051336L + from)
                + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:"
                + kind
                + from
                + "\r\na=ice-pwd:p4ssw0rd+/="
                + to
                + "\r\na=ice-options:trickle\r\n"
                + "a=fingerprint:sha-256 1F:2E:3D:4C:5B:6A:79:88:97:A6:B5:C4:D3:E2:F1:00:1F:2E:3D:4C:5B:6A:79:88:97:A6:B5:C4:D3:E2:F1:00\r\n"
                + "a=setup:"
                + (kind.equals("offer") ? "actpass" : "active")
                + "\r\na=mid:0\r\na=sctp-port:5000\r\n"
                + "a=max-message-size:262144\r\n";
    }

    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        ws.close();
    }
}
