package dev.godotsignal.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code ./mint-token}: mints a connect token, as a game backend would after logging a player in.
 * The secret is read from a file or the TOKEN_SECRET environment variable, never from the command
 * line (which other users of the machine can see).
 */
public final class MintToken {
    private MintToken() {}

    public static void main(String[] args) throws Exception {
        String player = null;
        String lobby = null;
        String game = null;
        Path secretFile = null;
        long ttl = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--player" -> player = args[++i];
                case "--lobby" -> lobby = args[++i];
                case "--game" -> game = args[++i];
                case "--secret-file" -> secretFile = Path.of(args[++i]);
                case "--ttl" -> ttl = Long.parseLong(args[++i]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (player == null) {
            usage("--player is required");
        }
        String secret =
                secretFile != null
                        ? Files.readString(secretFile).strip()
                        : System.getenv("TOKEN_SECRET");
        if (secret == null || secret.isEmpty()) {
            usage(
                    "give the secret with --secret-file FILE or the TOKEN_SECRET environment variable");
        }
        Tokens tokens = new Tokens(secret.getBytes(StandardCharsets.UTF_8));
        System.out.println(
                tokens.mint(
                        player,
                        Duration.ofSeconds(ttl),
                        Optional.ofNullable(lobby),
                        Optional.ofNullable(game),
                        Instant.now()));
    }

    private static void usage(String problem) {
        System.err.println("mint-token: " + problem);
        System.err.println(
                "Usage: ./mint-token --player ID [--lobby NAME] [--game ID] [--ttl SECONDS (300)] [--secret-file FILE]");
        System.err.println("       (or TOKEN_SECRET=... ./mint-token --player ID)");
        System.exit(2);
    }
}
