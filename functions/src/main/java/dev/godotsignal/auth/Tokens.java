package dev.godotsignal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived connect tokens: compact JWTs signed with HMAC-SHA256 ({@code alg: HS256}), so any
 * game backend can mint them with a standard library. Claims: {@code sub} the player id, {@code
 * exp} the expiry (unix seconds), optionally {@code lobby}, the only lobby it may join, and {@code
 * game}, the only game it may connect to. They travel in the query string ({@code ?token=…})
 * because web builds cannot set headers.
 */
public final class Tokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String HEADER =
            B64.encodeToString(
                    "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    /** Tokens longer than this are refused unread. */
    public static final int MAX_LENGTH = 2048;

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    /** A verified token's claims. */
    public record Claims(
            String playerId, Instant expiresAt, Optional<String> lobby, Optional<String> game) {}

    /** Why a token was refused (for logs; the client only sees 401/403). */
    public enum Refusal {
        MALFORMED,
        BAD_SIGNATURE,
        EXPIRED
    }

    public static final class InvalidToken extends Exception {
        private final Refusal refusal;

        InvalidToken(Refusal refusal) {
            super(refusal.name(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private final SecretKeySpec key;

    public Tokens(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the token secret must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** Mints a token for {@code playerId}, valid for {@code ttl}, optionally bound to one lobby. */
    public String mint(String playerId, Duration ttl, Optional<String> lobby, Instant now) {
        return mint(playerId, ttl, lobby, Optional.empty(), now);
    }

    /** Mints a token, optionally bound to one lobby and to one game. */
    public String mint(
            String playerId,
            Duration ttl,
            Optional<String> lobby,
            Optional<String> game,
            Instant now) {
        ObjectNode claims = JSON.createObjectNode();
        claims.put("sub", playerId);
        claims.put("exp", now.plus(ttl).getEpochSecond());
        lobby.ifPresent(l -> claims.put("lobby", l));
        game.ifPresent(g -> claims.put("game", g));
        String body =
                HEADER
                        + "."
                        + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(sign(body));
    }

    public Claims verify(String token, Instant now) throws InvalidToken {
        if (token == null || token.length() > MAX_LENGTH) {
            throw new InvalidToken(Refusal.MALFORMED);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(HEADER)) {
            throw new InvalidToken(
                    Refusal.MALFORMED); // only HS256: no "alg: none", no key confusion
        }
        byte[] signature;
        JsonNode claims;
        try {
            signature = B64D.decode(parts[2]);
            claims = JSON.readTree(B64D.decode(parts[1]));
        } catch (Exception e) {
            throw new InvalidToken(Refusal.MALFORMED);
        }
        if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1]))) {
            throw new InvalidToken(Refusal.BAD_SIGNATURE);
        }
        if (claims == null
                || !claims.path("sub").isTextual()
                || claims.path("sub").asText().isEmpty()
                || !claims.path("exp").canConvertToLong()) {
            throw new InvalidToken(Refusal.MALFORMED);
        }
        Instant expires = Instant.ofEpochSecond(claims.path("exp").asLong());
        if (!expires.plus(CLOCK_SKEW).isAfter(now)) {
            throw new InvalidToken(Refusal.EXPIRED);
        }
        Optional<String> lobby =
                claims.path("lobby").isTextual()
                        ? Optional.of(claims.path("lobby").asText())
                        : Optional.empty();
        Optional<String> game =
                claims.path("game").isTextual()
                        ? Optional.of(claims.path("game").asText())
                        : Optional.empty();
        return new Claims(claims.path("sub").asText(), expires, lobby, game);
    }

    private byte[] sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
