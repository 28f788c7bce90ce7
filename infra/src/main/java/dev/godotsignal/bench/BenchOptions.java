package dev.godotsignal.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** What to drive: L lobbies of K peers, the message mix, the pace. */
public record BenchOptions(
        URI url,
        int lobbies,
        int peers,
        boolean mesh,
        int candidates,
        int sdpBytes,
        int ratePerPeer,
        Duration duration,
        boolean seal,
        Optional<Path> json,
        boolean progress,
        int warmUps) {

    static final String USAGE =
            """
            Usage: ./bench --url ws://localhost:9080 [options]
              --url URL          any server of Godot's signaling demo protocol (ws:// or wss://)
              --lobbies L        lobbies at once (default 10)
              --peers K          peers per lobby (default 4)
              --mode mesh|cs     mesh, or client/server (default mesh)
              --candidates N     candidates each peer sends per pair (default 8)
              --sdp-bytes S      size of each OFFER/ANSWER (default 2500, a typical data-channel SDP)
              --rate R           messages per second per peer, 0 = as fast as possible (default 0)
              --duration S       keep starting sessions for S seconds (default 0: one round)
              --no-seal          leave instead of sealing at the end of a session
              --json FILE        also write the results as JSON (default bench-results.json)
              --warm-up W        sessions of 1 lobby run first and not counted, so the figures
                                 are not this client's own JIT warm-up (default 1)
              --quiet            no progress bar
            """;

    public static BenchOptions parse(String[] args) {
        URI url = null;
        int lobbies = 10;
        int peers = 4;
        boolean mesh = true;
        int candidates = 8;
        int sdpBytes = 2500;
        int rate = 0;
        Duration duration = Duration.ZERO;
        boolean seal = true;
        Optional<Path> json = Optional.of(Path.of("bench-results.json"));
        boolean progress = true;
        int warmUps = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = URI.create(args[++i]);
                case "--lobbies" -> lobbies = Integer.parseInt(args[++i]);
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--mode" -> mesh = !args[++i].equals("cs");
                case "--candidates" -> candidates = Integer.parseInt(args[++i]);
                case "--sdp-bytes" -> sdpBytes = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--no-seal" -> seal = false;
                case "--json" -> json = Optional.of(Path.of(args[++i]));
                case "--quiet" -> progress = false;
                case "--warm-up" -> warmUps = Integer.parseInt(args[++i]);
                case "--help", "-h" -> throw new IllegalArgumentException("usage");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        if (warmUps < 0) {
            throw new IllegalArgumentException("--warm-up takes 0 or more sessions");
        }
        if (peers < 2 || lobbies < 1) {
            throw new IllegalArgumentException("at least 1 lobby of 2 peers");
        }
        return new BenchOptions(
                url,
                lobbies,
                peers,
                mesh,
                candidates,
                sdpBytes,
                rate,
                duration,
                seal,
                json,
                progress,
                warmUps);
    }

    /** The same mix as one lobby, to warm up with. */
    BenchOptions oneLobby() {
        return new BenchOptions(
                url,
                1,
                peers,
                mesh,
                candidates,
                sdpBytes,
                ratePerPeer,
                Duration.ZERO,
                seal,
                Optional.empty(),
                false,
                0);
    }
}
