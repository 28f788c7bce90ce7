package dev.godotsignal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokensTest {
    static final Tokens TOKENS =
            new Tokens("a-secret-of-32-bytes-for-tests!!".getBytes(StandardCharsets.UTF_8));
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    static Tokens.Refusal refusal(String token) {
        return assertThrows(Tokens.InvalidToken.class, () -> TOKENS.verify(token, NOW)).refusal();
    }

    @Test
    void aMintedTokenVerifiesWithItsClaims() throws Exception {
        String token = TOKENS.mint("player-42", Duration.ofMinutes(5), Optional.of("LobbyX"), NOW);
        Tokens.Claims claims = TOKENS.verify(token, NOW.plusSeconds(60));
        assertEquals("player-42", claims.playerId());
        assertEquals(Optional.of("LobbyX"), claims.lobby());
        assertEquals(NOW.plusSeconds(300), claims.expiresAt());
    }

    @Test
    void expiredTamperedForgedAndMalformedTokensAreRefused() {
        String token = TOKENS.mint("p", Duration.ofMinutes(5), Optional.empty(), NOW);
        assertEquals(
                Tokens.Refusal.EXPIRED,
                assertThrows(
                                Tokens.InvalidToken.class,
                                () -> TOKENS.verify(token, NOW.plusSeconds(301 + 30)))
                        .refusal());
        String[] parts = token.split("\\.", -1);
        String otherClaims =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                "{\"sub\":\"admin\",\"exp\":9999999999}"
                                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(
                Tokens.Refusal.BAD_SIGNATURE,
                refusal(parts[0] + "." + otherClaims + "." + parts[2]));
        String forged =
                new Tokens("another-secret-of-32-bytes-long!".getBytes(StandardCharsets.UTF_8))
                        .mint("p", Duration.ofMinutes(5), Optional.empty(), NOW);
        assertEquals(Tokens.Refusal.BAD_SIGNATURE, refusal(forged));
        String none =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                Tokens.Refusal.MALFORMED,
                refusal(none + "." + parts[1] + "."),
                "alg none is not a way in");
        assertEquals(Tokens.Refusal.MALFORMED, refusal("not-a-token"));
        assertEquals(Tokens.Refusal.MALFORMED, refusal(null));
        assertEquals(Tokens.Refusal.MALFORMED, refusal("x".repeat(Tokens.MAX_LENGTH + 1)));
    }

    @Test
    void aShortSecretIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new Tokens("short".getBytes(StandardCharsets.UTF_8)));
    }
}
