package dev.godotsignal.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Everything the benchmark measures, safe to update from many threads. */
final class BenchStats {
    private final List<Long> joins = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, List<Long>> relays = new ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();

    /** Every frame any peer received (relayed or not): the server is still making progress. */
    final AtomicLong framesIn = new AtomicLong();

    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    final AtomicLong sessions = new AtomicLong();
    final AtomicLong failedSessions = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

    void joinLatency(long nanos) {
        joins.add(nanos);
    }

    void relayLatency(String type, long nanos) {
        relays.computeIfAbsent(type, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(nanos);
    }

    void sent() {
        sent.incrementAndGet();
    }

    void error(String what) {
        errors.computeIfAbsent(
                        what.length() > 80 ? what.substring(0, 80) : what, k -> new AtomicLong())
                .incrementAndGet();
    }

    static double percentile(List<Long> values, double p) {
        List<Long> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1_000_000.0;
    }

    ObjectNode toJson(BenchOptions options, double seconds) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("url", options.url().toString());
        root.put("lobbies", options.lobbies());
        root.put("peersPerLobby", options.peers());
        root.put("mode", options.mesh() ? "mesh" : "client-server");
        root.put("candidatesPerPair", options.candidates());
        root.put("sdpBytes", options.sdpBytes());
        root.put("seconds", seconds);
        root.put("sessions", sessions.get());
        root.put("failedSessions", failedSessions.get());
        root.put("sessionsPerSecond", sessions.get() / seconds);
        root.put("messagesSent", sent.get());
        root.put("messagesPerSecond", sent.get() / seconds);
        root.put("relayedReceived", received.get());
        root.put("lost", lost.get());
        root.put("duplicated", duplicated.get());
        latency(root.putObject("connectJoinMs"), joins);
        ObjectNode relay = root.putObject("relayMs");
        new TreeMap<>(relays).forEach((type, values) -> latency(relay.putObject(type), values));
        ObjectNode errs = root.putObject("errors");
        errors.forEach((k, v) -> errs.put(k, v.get()));
        return root;
    }

    private static void latency(ObjectNode node, List<Long> values) {
        node.put("count", values.size());
        node.put("p50", percentile(values, 50));
        node.put("p95", percentile(values, 95));
        node.put("p99", percentile(values, 99));
    }
}
