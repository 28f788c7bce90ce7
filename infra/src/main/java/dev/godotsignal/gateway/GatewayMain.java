package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.bench.BenchOptions;
import dev.godotsignal.bench.SignalingBench;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** {@code ./run-local}: starts the local gateway and runs until Ctrl-C or SIGTERM. */
public final class GatewayMain {
    private GatewayMain() {}

    /**
     * A few demo sessions (2 lobbies of 4, offers, answers, candidates, SEAL) through the gateway's
     * own WebSocket: the JIT compiles the handlers, the SDK and DynamoDB Local before the first
     * player arrives. A failure here is reported and ignored: the gateway works, only colder.
     */
    private static void warmUp(LocalGateway gateway) {
        System.out.print(
                "Warming up (a few demo sessions through the real handlers; --no-warm-up skips it)… ");
        long started = System.nanoTime();
        gateway.quietly(
                () -> {
                    try {
                        ObjectNode result =
                                SignalingBench.run(
                                        BenchOptions.parse(
                                                new String[] {
                                                    "--url", gateway.url().toString(),
                                                    "--lobbies", "2",
                                                    "--peers", "4",
                                                    "--candidates", "8",
                                                    "--duration", "4",
                                                    "--quiet"
                                                }),
                                        new PrintStream(OutputStream.nullOutputStream()));
                        System.out.println(
                                (System.nanoTime() - started) / 1_000_000
                                        + " ms, "
                                        + result.path("sessions").asLong()
                                        + " sessions");
                    } catch (Exception e) {
                        System.out.println("skipped: " + e.getMessage());
                    }
                });
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(GatewayOptions.USAGE);
            return;
        }
        GatewayOptions options;
        try {
            options = GatewayOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("run-local: " + e.getMessage());
            System.err.print(GatewayOptions.USAGE);
            System.exit(2);
            return;
        }
        LocalGateway gateway;
        try {
            gateway = LocalGateway.start(options);
        } catch (java.io.IOException e) {
            System.err.println(
                    "run-local: could not start: "
                            + e.getMessage()
                            + (e instanceof java.net.BindException
                                    ? " (is port " + options.port() + " in use? try --port N)"
                                    : ""));
            System.exit(1);
            return;
        }
        if (options.warmUp()) {
            warmUp(gateway);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    System.out.println("\nStopping the gateway…");
                                    gateway.close();
                                    stopped.countDown();
                                },
                                "shutdown"));
        System.out.println();
        System.out.println("Godot signaling gateway ready");
        System.out.println(
                "  WebSocket URL:  " + gateway.url() + "   (also " + gateway.stageUrl() + ")");
        System.out.println("  Demo page:      http://127.0.0.1:" + gateway.port() + "/");
        System.out.println(
                "  Lobby list:     " + gateway.lobbiesUrl() + "?game=default  (GET, HTTP API)");
        System.out.println(
                "  Godot example:  http://127.0.0.1:"
                        + gateway.port()
                        + "/godot/"
                        + (gateway.godotEngineInstalled()
                                ? "  (the real Godot 4.6 engine; open it in two tabs)"
                                : "  (needs the engine once: npm ci --prefix clients/godot)"));
        System.out.println(
                "  @connections:   http://127.0.0.1:"
                        + gateway.port()
                        + "/"
                        + gateway.template().stageName()
                        + "/@connections/{id}");
        System.out.println(
                "  DynamoDB Local: "
                        + gateway.dynamo().endpoint()
                        + options.dataDir()
                                .map(d -> "  (data in " + d + ")")
                                .orElse("  (in memory)"));
        if (options.chaos().active()) {
            System.out.println("  CHAOS:          " + options.chaos());
        }
        System.out.println(
                "  Point Godot's signaling demo client at " + gateway.url() + ". Ctrl-C stops.");
        System.out.println();
        stopped.await();
    }
}
