package dev.godotsignal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.protocol.MessageType;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A native peer: libwebrtc (webrtc-java) playing by the Godot 4 client's rules, over our signaling
 * only. Negotiated data channels 1 reliable, 2 ordered, 3 unreliable, like WebRTCMultiplayerPeer;
 * the larger id offers; candidates as "\n<mid>\n<index>\n<candidate>" with mline index 0 as Godot
 * native reports it; candidates held until the remote description is set.
 */
public final class NativeGodotPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PeerConnectionFactory factory;

    private final WsClient ws;
    private final Thread reader;
    private final RTCIceTransportPolicy policy;
    private volatile boolean running = true;
    private volatile List<RTCIceServer> iceServers = List.of();
    public volatile int peerId;
    public volatile String lobby;
    public volatile boolean sealed;
    public final Map<Integer, Link> links = new ConcurrentHashMap<>();
    public final List<String> errors = new CopyOnWriteArrayList<>();

    /** One WebRTC connection to another peer. */
    public static final class Link {
        final RTCPeerConnection pc;
        final Map<Integer, RTCDataChannel> channels = new ConcurrentHashMap<>();
        final List<RTCIceCandidate> pending = new ArrayList<>();
        boolean remoteSet;
        public final List<String> received = new CopyOnWriteArrayList<>();
        public final CompletableFuture<Void> open = new CompletableFuture<>();

        Link(RTCPeerConnection pc) {
            this.pc = pc;
        }
    }

    private NativeGodotPeer(
            URI url,
            boolean mesh,
            String lobbyToJoin,
            RTCIceTransportPolicy policy,
            List<RTCIceServer> iceServers) {
        this.policy = policy;
        this.iceServers = iceServers;
        this.ws = WsClient.connectWithExtensions(url);
        ws.send(MessageType.JOIN, mesh ? 0 : 1, lobbyToJoin);
        this.reader = new Thread(this::readLoop, "native-godot-peer");
        reader.setDaemon(true);
        reader.start();
    }

    public static NativeGodotPeer host(URI url, boolean mesh) {
        return new NativeGodotPeer(url, mesh, "", RTCIceTransportPolicy.ALL, List.of());
    }

    public static NativeGodotPeer join(URI url, String lobby) {
        return new NativeGodotPeer(url, true, lobby, RTCIceTransportPolicy.ALL, List.of());
    }

    /** A peer that may only use relayed (TURN) candidates, starting from these ICE servers. */
    public static NativeGodotPeer joinRelayOnly(
            URI url, String lobby, List<RTCIceServer> iceServers) {
        return new NativeGodotPeer(url, true, lobby, RTCIceTransportPolicy.RELAY, iceServers);
    }

    /** Whether libwebrtc's native library loads on this machine. */
    public static synchronized boolean available() {
        try {
            factory();
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The shared factory, for tests that need a bare peer connection. */
    public static PeerConnectionFactory factoryForTests() {
        return factory();
    }

    private static synchronized PeerConnectionFactory factory() {
        if (factory == null) {
            // The default audio module aborts without an audio device; the headless one does not.
            factory = new PeerConnectionFactory(new HeadlessAudioDeviceModule());
        }
        return factory;
    }

    public void seal() {
        ws.send(MessageType.SEAL, 0, "");
    }

    public boolean signalingClosed() {
        return ws.isClosed();
    }

    public Link awaitOpen(int other) {
        GodotDemoClient.await(
                "native data channels to " + other,
                () -> links.containsKey(other) && links.get(other).open.isDone());
        return links.get(other);
    }

    /** Sends a text message on one of Godot's channels (1 reliable, 2 ordered, 3 unreliable). */
    public void send(int other, int channel, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        links.get(other).channels.get(channel).send(new RTCDataChannelBuffer(buffer, false));
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
            try {
                handle(JSON.readTree(raw));
            } catch (Exception e) {
                errors.add(e + " on " + raw);
            }
        }
    }

    private void handle(JsonNode msg) throws Exception {
        int type = msg.get("type").asInt();
        int id = msg.get("id").asInt();
        String data = msg.get("data").asText();
        switch (type) {
            case 1 -> peerId = id;
            case 101 -> iceServers = parseIceServers(data);
            case 0 -> lobby = data;
            case 7 -> sealed = true;
            case 2 -> connectTo(id);
            case 3 -> {
                Link link = links.remove(id);
                if (link != null) {
                    link.pc.close();
                }
            }
            case 4 -> describe(id, RTCSdpType.OFFER, data);
            case 5 -> describe(id, RTCSdpType.ANSWER, data);
            case 6 -> candidate(id, data);
            case 100 -> errors.add("server error: " + data);
            default -> {}
        }
    }

    private void connectTo(int other) {
        RTCConfiguration config = new RTCConfiguration();
        config.iceServers = new ArrayList<>(iceServers);
        config.iceTransportPolicy = policy;
        Link[] self = new Link[1];
        RTCPeerConnection pc =
                factory()
                        .createPeerConnection(
                                config,
                                new PeerConnectionObserver() {
                                    @Override
                                    public void onIceCandidate(RTCIceCandidate candidate) {
                                        // Godot native reports every candidate with mline index 0.
                                        ws.send(
                                                MessageType.CANDIDATE,
                                                other,
                                                "\n" + candidate.sdpMid + "\n0\n" + candidate.sdp);
                                    }
                                });
        Link link = new Link(pc);
        self[0] = link;
        links.put(other, link);
        String[] labels = {"", "reliable", "ordered", "unreliable"};
        for (int channelId = 1; channelId <= 3; channelId++) {
            RTCDataChannelInit init = new RTCDataChannelInit();
            init.negotiated = true;
            init.id = channelId;
            init.ordered = channelId != 3;
            init.maxRetransmits = channelId == 1 ? -1 : 0;
            init.maxPacketLifeTime = -1;
            RTCDataChannel channel = pc.createDataChannel(labels[channelId], init);
            int ch = channelId;
            channel.registerObserver(
                    new RTCDataChannelObserver() {
                        @Override
                        public void onBufferedAmountChange(long previous) {}

                        @Override
                        public void onStateChange() {
                            if (link.channels.size() == 3
                                    && link.channels.values().stream()
                                            .allMatch(
                                                    c ->
                                                            c.getState()
                                                                    == RTCDataChannelState.OPEN)) {
                                link.open.complete(null);
                            }
                        }

                        @Override
                        public void onMessage(RTCDataChannelBuffer buffer) {
                            ByteBuffer data = buffer.data;
                            byte[] bytes = new byte[data.remaining()];
                            data.get(bytes);
                            link.received.add(ch + ":" + new String(bytes, StandardCharsets.UTF_8));
                        }
                    });
            link.channels.put(channelId, channel);
        }
        if (other < peerId) { // the larger id offers
            pc.createOffer(new RTCOfferOptions(), created(other, link, 4));
        }
    }

    private CreateSessionDescriptionObserver created(int other, Link link, int type) {
        return new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                link.pc.setLocalDescription(
                        description,
                        new SetSessionDescriptionObserver() {
                            @Override
                            public void onSuccess() {
                                ws.send(type, other, description.sdp);
                            }

                            @Override
                            public void onFailure(String error) {
                                errors.add("setLocalDescription: " + error);
                            }
                        });
            }

            @Override
            public void onFailure(String error) {
                errors.add("create description: " + error);
            }
        };
    }

    private void describe(int other, RTCSdpType type, String sdp) {
        Link link = links.get(other);
        if (link == null) {
            errors.add(type + " from unknown peer " + other);
            return;
        }
        link.pc.setRemoteDescription(
                new RTCSessionDescription(type, sdp),
                new SetSessionDescriptionObserver() {
                    @Override
                    public void onSuccess() {
                        synchronized (link) {
                            link.remoteSet = true;
                            link.pending.forEach(link.pc::addIceCandidate);
                            link.pending.clear();
                        }
                        if (type == RTCSdpType.OFFER) {
                            link.pc.createAnswer(new RTCAnswerOptions(), created(other, link, 5));
                        }
                    }

                    @Override
                    public void onFailure(String error) {
                        errors.add("setRemoteDescription: " + error);
                    }
                });
    }

    private void candidate(int other, String data) {
        String[] parts =
                java.util.Arrays.stream(data.split("\n"))
                        .filter(s -> !s.isEmpty())
                        .toArray(String[]::new);
        Link link = links.get(other);
        if (parts.length != 3 || link == null) {
            return;
        }
        RTCIceCandidate candidate =
                new RTCIceCandidate(parts[0], Integer.parseInt(parts[1]), parts[2]);
        synchronized (link) {
            if (!link.remoteSet) {
                link.pending.add(candidate); // a candidate before its description would be lost
                return;
            }
        }
        link.pc.addIceCandidate(candidate);
    }

    private static List<RTCIceServer> parseIceServers(String data) throws Exception {
        List<RTCIceServer> servers = new ArrayList<>();
        for (JsonNode s : JSON.readTree(data).path("iceServers")) {
            RTCIceServer server = new RTCIceServer();
            server.urls = new ArrayList<>();
            JsonNode urls = s.path("urls");
            if (urls.isArray()) {
                urls.forEach(u -> server.urls.add(u.asText()));
            } else {
                server.urls.add(urls.asText());
            }
            server.username = s.path("username").asText(null);
            server.password = s.path("credential").asText(null);
            servers.add(server);
        }
        return servers;
    }

    @Override
    public void close() {
        running = false;
        ws.close();
        links.values().forEach(l -> l.pc.close());
        links.clear();
    }
}
