package dev.godotsignal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One lobby's session: create, join, exchange the message mix, then seal (or leave). */
final class BenchSession {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final String[] TYPES = {"", "", "", "", "OFFER", "ANSWER", "CANDIDATE"};

    private final int number = IDS.incrementAndGet();

    /**
     * How long no frame may arrive at any peer, in the whole run, before a missing one counts as
     * lost.
     */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(15);

    /**
     * How long the server's SEAL may take to reach the host: as long as a frame may stall before it
     * counts as lost, since under load the SEAL queues behind the relays (at 100 × 4 on 2 cores
     * they wait 5–7 s, and a 5 s limit reported a late SEAL as an error).
     */
    private static final int SEAL_WAIT_SECONDS = (int) TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS);

    private final BenchOptions options;
    private final BenchStats stats;
    private final ExecutorService senders;
    private final Collection<CompletableFuture<Void>> closes;
    private final List<BenchPeer> peers = new ArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger expected = new AtomicInteger();
    private final String sdpPadding;

    /**
     * @param closes where the session leaves the closing of its peers (at once, or when the
     *     server's SEAL arrives after the session sealed); the run waits for them at its end
     */
    BenchSession(
            BenchOptions options,
            BenchStats stats,
            ExecutorService senders,
            Collection<CompletableFuture<Void>> closes) {
        this.options = options;
        this.stats = stats;
        this.senders = senders;
        this.closes = closes;
        this.sdpPadding =
                "a=x-padding:" + "x".repeat(Math.max(0, options.sdpBytes() - 200)) + "\r\n";
    }

    boolean mesh() {
        return options.mesh();
    }

    BenchStats stats() {
        return stats;
    }

    /** Runs the whole session; true when every relayed message arrived exactly once. */
    boolean run(HttpClient http, URI url) {
        int pairs =
                options.mesh() ? options.peers() * (options.peers() - 1) / 2 : options.peers() - 1;
        expected.set(pairs * (2 + 2 * options.candidates()));
        BenchPeer host = new BenchPeer(this);
        boolean sealSent = false;
        try {
            peers.add(host);
            host.connect(http, url, "");
            host.joined.get(30, TimeUnit.SECONDS);
            List<CompletableFuture<Void>> joins = new ArrayList<>();
            for (int i = 1; i < options.peers(); i++) {
                BenchPeer peer = new BenchPeer(this);
                peers.add(peer);
                peer.connect(http, url, host.lobby);
                joins.add(peer.joined);
            }
            CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            // Lost means never arriving, not arriving late: a saturated server keeps delivering, so
            // the session waits as long as any frame still arrives anywhere in the run (the JOINs
            // and PEER_CONNECTs of a burst of joins too, which a server may serve before relays).
            long lastFramesIn = stats.framesIn.get();
            long lastProgress = System.nanoTime();
            while (seen.size() < expected.get() && System.nanoTime() - lastProgress < STALL_NANOS) {
                Thread.sleep(5);
                long framesIn = stats.framesIn.get();
                if (framesIn != lastFramesIn) {
                    lastFramesIn = framesIn;
                    lastProgress = System.nanoTime();
                }
            }
            int missing = expected.get() - seen.size();
            stats.lost.addAndGet(Math.max(0, missing));
            if (options.seal()) {
                host.send(7, 0, "");
                sealSent = true;
            }
            return missing == 0;
        } catch (Exception e) {
            stats.error("session: " + e.getClass().getSimpleName() + " " + e.getMessage());
            return false;
        } finally {
            // After a SEAL, closing at once would race it (the host's $disconnect could remove the
            // lobby first, and the server would refuse a SEAL for a lobby that is gone), and
            // waiting here would hold back this lobby's next session: the peers close when the
            // server's SEAL reaches the host, and the run waits for that at its end.
            CompletableFuture<Void> closable =
                    sealSent
                            ? host.sealed
                                    .orTimeout(SEAL_WAIT_SECONDS, TimeUnit.SECONDS)
                                    .exceptionally(
                                            late -> {
                                                stats.error(
                                                        "no SEAL from the server within "
                                                                + SEAL_WAIT_SECONDS
                                                                + " s");
                                                return null;
                                            })
                            : CompletableFuture.completedFuture(null);
            closes.add(closable.thenRun(() -> peers.forEach(BenchPeer::close)));
        }
    }

    /** PEER_CONNECT: the larger id offers, then trickles its candidates. */
    void peerConnected(BenchPeer self, int other) {
        if (self.id > other) {
            senders.execute(
                    () -> {
                        pace();
                        self.send(4, other, sdp("offer", self.id, other));
                        trickle(self, other);
                    });
        }
    }

    void received(BenchPeer self, int type, int from, String data) {
        long now = System.nanoTime();
        int marker = data.indexOf("x-bench ");
        if (marker < 0) {
            stats.error("relayed frame without a bench marker");
            return;
        }
        String[] parts = data.substring(marker + 8).trim().split("[ \\r\\n]+", -1);
        String key = parts[0];
        long sentAt = Long.parseLong(parts[1]);
        stats.received.incrementAndGet();
        if (!seen.add(key)) {
            stats.duplicated.incrementAndGet();
            return;
        }
        stats.relayLatency(TYPES[type], now - sentAt);
        if (type == 4) {
            senders.execute(
                    () -> {
                        pace();
                        self.send(5, from, sdp("answer", self.id, from));
                        trickle(self, from);
                    });
        }
    }

    private void trickle(BenchPeer self, int to) {
        for (int i = 0; i < options.candidates(); i++) {
            pace();
            String key = number + "/" + self.id + ">" + to + "/c" + i;
            self.send(
                    6,
                    to,
                    "\n0\n0\ncandidate:"
                            + i
                            + " 1 udp 2122260223 192.0.2."
                            + (i + 1)
                            + " "
                            + (50000 + i)
                            + " typ host generation 0 ufrag bnch network-id 1 x-bench "
                            + key
                            + " "
                            + System.nanoTime());
        }
    }

    private String sdp(String kind, int from, int to) {
        String key = number + "/" + from + ">" + to + "/" + kind;
        return "v=0\r\no=- 46117314 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:bnch\r\na=ice-pwd:benchbenchbenchbenchbe\r\na=setup:actpass\r\na=mid:0\r\n"
                + sdpPadding
                + "a=x-bench "
                + key
                + " "
                + System.nanoTime()
                + "\r\n";
    }

    private void pace() {
        if (options.ratePerPeer() > 0) {
            try {
                Thread.sleep(1000L / options.ratePerPeer());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
