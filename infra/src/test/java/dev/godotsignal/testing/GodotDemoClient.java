package dev.godotsignal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Replays what Godot 4's signaling demo client does ({@code ws_webrtc_client.gd} and {@code
 * multiplayer_client.gd}): JOIN as soon as the socket opens, create a peer per PEER_CONNECT, the
 * peer with the larger id sends the offer, the other answers, both trickle candidates as {@code
 * "\n<mid>\n<index>\n<candidate>"}. Every frame it receives is checked against the demo client's
 * parser ({@link GodotClientRules}); a frame it would reject is recorded.
 *
 * <p>{@link #resuming} clients connect with {@code ?ext=1} and resume a dropped socket as our
 * clients do (rule R21): they count the session's frames, keep the unacknowledged ones, reconnect
 * with the RESUME token after 0.25 s, 0.5 s, 1 s… and re-send what the server did not receive.
 */
public final class GodotDemoClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CANDIDATES_PER_PEER = 3;

    private static final Duration RESUME_GRACE = Duration.ofSeconds(20);

    private final URI url;
    private final boolean resumable;
    private volatile WsClient ws;
    private final Thread reader;
    private volatile boolean running = true;

    // Resuming (R21): the latest token, the session's frame count, the frames not yet known to
    // have arrived (the last `unacknowledged.size()` counted), and frames held while resuming.
    private volatile String resumeToken;
    private long sentCount;
    private final List<String> unacknowledged = new ArrayList<>();
    private final List<String> queued = new ArrayList<>();
    private boolean awaitingAck;

    /** How many times this client resumed its signaling socket. */
    public volatile int resumeCount;

    /** Resume attempts refused or unanswered (the network still down, or the server said no). */
    public volatile int resumeAttemptsFailed;

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

    /** What it sent, as "type>to" (for a failure's story). */
    public final List<String> sent = new CopyOnWriteArrayList<>();

    private GodotDemoClient(URI url, boolean useMesh, String lobbyToJoin, boolean resumes) {
        this.url = resumes ? URI.create(url + (url.getQuery() == null ? "?" : "&") + "ext=1") : url;
        this.resumable = resumes;
        this.ws = WsClient.connect(this.url);
        // _process(): on OPEN, join_lobby(lobby) with 0 for mesh, 1 for client/server.
        send(godotStringify(0, useMesh ? 0 : 1, lobbyToJoin));
        this.reader = new Thread(this::readLoop, "godot-demo-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static GodotDemoClient host(URI url, boolean mesh) {
        return new GodotDemoClient(url, mesh, "", false);
    }

    public static GodotDemoClient join(URI url, boolean mesh, String lobby) {
        return new GodotDemoClient(url, mesh, lobby, false);
    }

    /** A client that opts in to extensions and resumes a dropped socket (creates: lobby ""). */
    public static GodotDemoClient resuming(URI url, boolean mesh, String lobby) {
        return new GodotDemoClient(url, mesh, lobby, true);
    }

    /** seal_lobby(): host only. */
    public void seal() {
        send(godotStringify(7, 0, ""));
    }

    public boolean socketClosed() {
        return ws.isClosed() && !awaitingResume();
    }

    private synchronized boolean awaitingResume() {
        return awaitingAck;
    }

    /** Sends a frame, counted and kept until acknowledged; held while the socket is resuming. */
    private synchronized void send(String frame) {
        if (awaitingAck) {
            queued.add(frame);
            return;
        }
        transmit(frame);
    }

    private void transmit(String frame) {
        sent.add(frame.substring(0, Math.min(frame.length(), 40)));
        sentCount++;
        if (resumable) {
            unacknowledged.add(frame);
        }
        try {
            ws.send(frame);
        } catch (RuntimeException dropped) {
            // The socket is gone: the frame is re-sent after the resume if the server missed it.
        }
    }

    /** The RESUME acknowledgement: re-send what the server did not receive, then what waited. */
    private synchronized void acknowledged(long received) {
        int missed = (int) Math.max(0, Math.min(unacknowledged.size(), sentCount - received));
        List<String> resend =
                new ArrayList<>(
                        unacknowledged.subList(
                                unacknowledged.size() - missed, unacknowledged.size()));
        unacknowledged.clear();
        sentCount = received;
        awaitingAck = false;
        resend.forEach(this::transmit);
        List<String> waiting = new ArrayList<>(queued);
        queued.clear();
        waiting.forEach(this::transmit);
    }

    /**
     * The socket closed: resume it (the token is the session's, SEAL was not seen, the server did
     * not close it normally), within the grace; false when the session is over.
     */
    private boolean resume() {
        if (!resumable || resumeToken == null || sealed || ws.closeCode() == 1000) {
            return false;
        }
        synchronized (this) {
            awaitingAck = true;
        }
        long deadline = System.nanoTime() + RESUME_GRACE.toNanos();
        long delay = 250;
        while (running && System.nanoTime() < deadline) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            delay *= 2;
            try {
                ws =
                        WsClient.connect(
                                URI.create(
                                        url
                                                + "&resume="
                                                + URLEncoder.encode(
                                                        resumeToken, StandardCharsets.UTF_8)));
                resumeCount++;
                return true;
            } catch (RuntimeException refused) {
                // the network is still down, or the server refused: try again
                resumeAttemptsFailed++;
            }
        }
        synchronized (this) {
            awaitingAck = false;
        }
        return false;
    }

    /**
     * JSON.stringify({"type": t, "id": i, "data": d}) as Godot 4 writes it (insertion order, ints).
     */
    static String godotStringify(int type, int id, String data) {
        return "{\"type\":" + type + ",\"id\":" + id + ",\"data\":" + JSON.valueToTree(data) + "}";
    }

    private void readLoop() {
        while (running) {
            WsClient current = ws;
            String raw = current.nextRaw(Duration.ofMillis(50));
            if (raw == null && current.isClosed()) {
                // Closed: whatever arrived before the close is still to read (a frame may have
                // come in between the empty poll and the close).
                raw = current.nextRaw(Duration.ZERO);
                if (raw == null) {
                    if (!resume()) {
                        return;
                    }
                    continue;
                }
            }
            if (raw != null) {
                receive(raw);
            }
        }
    }

    private void receive(String raw) {
        received.add(raw);
        if (resumable && raw.startsWith("{\"type\":10")) {
            handle(raw); // an extension frame (100..104), asked for with ?ext=1
            return;
        }
        GodotClientRules.rejection(raw)
                .ifPresentOrElse(why -> rejected.add(why + ": " + raw), () -> handle(raw));
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
        if (resumable && type == 104) { // RESUME: the token; with "received", the acknowledgement
            resumeToken = data;
            if (msg.has("received")) {
                acknowledged(msg.get("received").asLong());
            }
            return;
        }
        if (resumable && (type == 100 || type == 101 || type == 102)) {
            return; // ERROR, ICE_SERVERS, LOBBY_DATA: not this client's business
        }
        if (type >= 4 && type <= 6) {
            relayedCounts.merge(type + ":" + id + ":" + data.hashCode(), 1, Integer::sum);
        }
        switch (type) {
            case 1 -> { // ID: connected(id, data == "true") -> create_mesh / create_server /
                // create_client
                if (uniqueId != 0 && uniqueId != id) {
                    rejected.add("a resumed connection changed the peer id: " + raw);
                }
                uniqueId = id;
                mesh = data.equals("true");
            }
            case 0 -> { // JOIN: lobby_joined (again after a resume)
                if (lobby != null && !lobby.equals(data)) {
                    rejected.add("a resumed connection changed the lobby: " + raw);
                }
                lobby = data;
            }
            case 7 -> sealed = true; // SEAL: lobby_sealed
            case 2 -> { // PEER_CONNECT: _create_peer(id)
                if (uniqueId == 0) {
                    rejected.add("PEER_CONNECT before ID: " + raw);
                }
                if (!peers.add(id)) {
                    rejected.add("PEER_CONNECT for a peer it already has: " + raw);
                }
                if (id < uniqueId) { // the larger id offers; the lobby creator never does
                    send(godotStringify(4, id, sdp("offer", uniqueId, id)));
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
                send(godotStringify(5, id, sdp("answer", uniqueId, id)));
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

    /**
     * How far apart a resuming client's candidates go, as real ICE gathering trickles them over a
     * second or two: a dropped connection then lands while relays are still flowing.
     */
    private static final Duration TRICKLE_SPACING = Duration.ofMillis(700);

    private static final ScheduledExecutorService TRICKLER =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread thread = new Thread(r, "godot-demo-trickle");
                        thread.setDaemon(true);
                        return thread;
                    });

    private void trickle(int to) {
        if (resumable) {
            for (int i = 0; i < CANDIDATES_PER_PEER; i++) {
                String candidate = candidate(i);
                var unused =
                        TRICKLER.schedule(
                                () -> send(godotStringify(6, to, candidate)),
                                TRICKLE_SPACING.toMillis() * (i + 1),
                                TimeUnit.MILLISECONDS);
            }
            return;
        }
        for (int i = 0; i < CANDIDATES_PER_PEER; i++) {
            // Native Godot reports mline index 0 for every candidate.
            send(godotStringify(6, to, candidate(i)));
        }
    }

    private String candidate(int i) {
        return "\n0\n0\ncandidate:"
                + i
                + " 1 udp 2122260223 192.168.1."
                + uniqueId % 250
                + " "
                + (50000 + i)
                + " typ host generation 0 ufrag abcd network-id 1";
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
