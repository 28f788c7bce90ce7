package dev.godotsignal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./bench}: drives L lobbies of K peers against any server of Godot's signaling demo
 * protocol (ours locally or on AWS, or any other) and reports connect+join and relay latency
 * percentiles, sessions/s, messages/s, lost and duplicated messages — as a table and as JSON.
 */
public final class SignalingBench {
    /** The pause between the warm-up and the measured run. */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private SignalingBench() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.warmUps() > 0) {
            // The client's own code runs interpreted at first, on the same cores as a local
            // server: its JIT would be measured as the server's latency.
            System.err.printf(
                    "warm-up: %d session(s) of 1 lobby, not counted%n", options.warmUps());
            for (int i = 0; i < options.warmUps(); i++) {
                run(options.oneLobby(), System.err);
            }
            // The warm-up's peers have just closed: let the server handle their leaves before
            // the measured joins, or those joins would queue behind them.
            Thread.sleep(SETTLE.toMillis());
        }
        ObjectNode result = run(options, System.err);
        printTable(result, System.out);
        if (options.json().isPresent()) {
            Files.writeString(
                    options.json().get(),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            System.out.println("JSON: " + options.json().get().toAbsolutePath());
        }
        System.exit(
                result.get("lost").asLong() == 0 && result.get("duplicated").asLong() == 0 ? 0 : 1);
    }

    /** Runs the benchmark; progress goes to {@code progress} (if enabled). */
    public static ObjectNode run(BenchOptions options, PrintStream progress) throws Exception {
        BenchStats stats = new BenchStats();
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService senders =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "bench-sender");
                            t.setDaemon(true);
                            return t;
                        });
        ExecutorService lobbies = Executors.newFixedThreadPool(options.lobbies());
        Queue<CompletableFuture<Void>> closes = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < options.lobbies(); i++) {
            running.add(
                    lobbies.submit(
                            () -> {
                                do {
                                    boolean ok =
                                            new BenchSession(options, stats, senders, closes)
                                                    .run(http, options.url());
                                    (ok ? stats.sessions : stats.failedSessions).incrementAndGet();
                                } while (System.nanoTime() < end);
                                return null;
                            }));
        }
        Thread bar =
                new Thread(
                        () -> {
                            while (!Thread.currentThread().isInterrupted()) {
                                if (options.progress()) {
                                    drawProgress(progress, options, stats, start, end);
                                }
                                try {
                                    Thread.sleep(200);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        });
        bar.setDaemon(true);
        bar.start();
        for (Future<?> f : running) {
            f.get();
        }
        bar.interrupt();
        if (options.progress()) {
            drawProgress(progress, options, stats, start, start);
            progress.println();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // The last sessions' peers close once the server's SEAL reaches them (bounded by the
        // sessions' own wait); not counted in the run's time, as no frame is sent meanwhile.
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).join();
        lobbies.shutdown();
        senders.shutdown();
        return stats.toJson(options, seconds);
    }

    private static void drawProgress(
            PrintStream out, BenchOptions options, BenchStats stats, long start, long end) {
        long done = stats.sessions.get() + stats.failedSessions.get();
        double fraction =
                end > start
                        ? Math.min(1, (System.nanoTime() - start) / (double) (end - start))
                        : Math.min(1, done / (double) options.lobbies());
        int width = 30;
        int filled = (int) (fraction * width);
        out.printf(
                "\r[%s%s] %3d%%  sessions %d  messages %d  lost %d  dup %d ",
                "#".repeat(filled),
                ".".repeat(width - filled),
                (int) (fraction * 100),
                done,
                stats.sent.get(),
                stats.lost.get(),
                stats.duplicated.get());
        out.flush();
    }

    public static void printTable(JsonNode r, PrintStream out) {
        out.printf(
                "%n%s — %d lobbies x %d peers (%s), %d candidates/pair, %d-byte SDP, %.1f s%n",
                r.get("url").asText(),
                r.get("lobbies").asInt(),
                r.get("peersPerLobby").asInt(),
                r.get("mode").asText(),
                r.get("candidatesPerPair").asInt(),
                r.get("sdpBytes").asInt(),
                r.get("seconds").asDouble());
        out.println("┌────────────────────┬──────────┬──────────┬──────────┬──────────┐");
        out.println("│ latency (ms)       │    count │      p50 │      p95 │      p99 │");
        out.println("├────────────────────┼──────────┼──────────┼──────────┼──────────┤");
        row(out, "connect + join", r.get("connectJoinMs"));
        r.get("relayMs")
                .fields()
                .forEachRemaining(e -> row(out, "relay " + e.getKey(), e.getValue()));
        out.println("└────────────────────┴──────────┴──────────┴──────────┴──────────┘");
        out.printf(
                "sessions %d (%.1f/s), failed %d · messages sent %d (%.0f/s) · relayed received %d · lost %d · duplicated %d%n",
                r.get("sessions").asLong(),
                r.get("sessionsPerSecond").asDouble(),
                r.get("failedSessions").asLong(),
                r.get("messagesSent").asLong(),
                r.get("messagesPerSecond").asDouble(),
                r.get("relayedReceived").asLong(),
                r.get("lost").asLong(),
                r.get("duplicated").asLong());
        if (r.get("errors").size() > 0) {
            out.println("errors: " + r.get("errors"));
        }
    }

    private static void row(PrintStream out, String name, JsonNode l) {
        out.printf(
                "│ %-18s │ %8d │ %8.2f │ %8.2f │ %8.2f │%n",
                name,
                l.get("count").asInt(),
                l.get("p50").asDouble(),
                l.get("p95").asDouble(),
                l.get("p99").asDouble());
    }
}
