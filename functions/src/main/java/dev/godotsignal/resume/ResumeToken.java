package dev.godotsignal.resume;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a dropped extension peer presents to resume ({@code ?ext=1&resume=<token>}): its lobby (the
 * lobby's key, so the game is part of it), its peer id, and the secret of the connection it holds.
 * The secret is 128 random bits and lives only on that connection's record, so a token is
 * unguessable, works only while that connection is the peer's (a resume replaces it: single use),
 * and is checked against the connecting player and game by the store. URL-safe as it is.
 */
public record ResumeToken(String lobby, int peerId, String secret) {
    private static final String VERSION = "r1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final int SECRET_BYTES = 16;

    /** The longest token we accept: a lobby key is far shorter, so anything longer is forged. */
    private static final int MAX_LENGTH = 256;

    /** A fresh secret for a new connection. */
    public static String newSecret(SecureRandom random) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    public String encode() {
        return VERSION
                + "."
                + B64.encodeToString(lobby.getBytes(StandardCharsets.UTF_8))
                + "."
                + peerId
                + "."
                + secret;
    }

    /** The token a client sent, or empty when it is not one we could have issued. */
    public static Optional<ResumeToken> parse(String raw) {
        if (raw == null || raw.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String[] parts = raw.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION) || !SECRET.matcher(parts[3]).matches()) {
            return Optional.empty();
        }
        try {
            String lobby = new String(B64D.decode(parts[1]), StandardCharsets.UTF_8);
            int peerId = Integer.parseInt(parts[2]);
            if (lobby.isEmpty() || peerId < 1) {
                return Optional.empty();
            }
            return Optional.of(new ResumeToken(lobby, peerId, parts[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code stored} is this token's secret, compared in constant time. */
    public boolean secretMatches(String stored) {
        return stored != null
                && MessageDigest.isEqual(
                        stored.getBytes(StandardCharsets.US_ASCII),
                        secret.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "ResumeToken[" + lobby + "/" + peerId + ", secret hidden]"; // never log a secret
    }
}
