package dev.godotsignal.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A real coturn on loopback with a static auth secret (TURN REST credentials), for relay tests. */
public final class Coturn implements AutoCloseable {
    public static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

    private final Process process;
    private final int port;

    private Coturn(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static boolean installed() {
        return Files.isExecutable(TURNSERVER);
    }

    /**
     * Starts coturn on a free UDP and TCP port of 127.0.0.1; its log goes to {@code
     * target/<logName>}.
     */
    public static Coturn start(String secret, String logName) throws Exception {
        int port = freeUdpAndTcpPort();
        int relayStart = freeUdpAndTcpPort();
        Path log = Path.of("target", logName);
        Process process =
                new ProcessBuilder(
                                TURNSERVER.toString(),
                                "-n",
                                "--listening-ip=127.0.0.1",
                                "--relay-ip=127.0.0.1",
                                "--listening-port=" + port,
                                "--min-port=" + relayStart,
                                "--max-port=" + (relayStart + 50),
                                "--use-auth-secret",
                                "--static-auth-secret=" + secret,
                                "--realm=godot.test",
                                "--no-tls",
                                "--no-dtls",
                                "--no-cli",
                                "--allow-loopback-peers",
                                "--fingerprint",
                                "--log-file=stdout",
                                "--simple-log")
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        Thread.sleep(500);
        if (!process.isAlive()) {
            throw new IllegalStateException("coturn did not start: " + Files.readString(log));
        }
        return new Coturn(process, port);
    }

    public int port() {
        return port;
    }

    /** The URL our server hands out (TurnUrls). */
    public String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    /**
     * The template parameters that make our server hand out this relay's credentials (ICE_SERVERS),
     * with the secret read from the SSM parameter {@code secretParameter}; no STUN.
     */
    public Map<String, String> gatewayParameters(String secretParameter) {
        return Map.of(
                "TurnUrls",
                url(),
                "TurnSecretParameterName",
                secretParameter,
                "StunUrls",
                "",
                "TurnCredentialTtlSeconds",
                "600");
    }

    @Override
    public void close() {
        process.destroy();
    }

    /**
     * A port free for UDP and for TCP: coturn listens on both (a port free for UDP alone was at
     * times taken for TCP by another process of the suite, and coturn then could not listen).
     */
    private static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0)) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port)) {
                    return port;
                } catch (IOException taken) {
                    if (attempt == 20) {
                        throw taken;
                    }
                }
            }
        }
    }
}
