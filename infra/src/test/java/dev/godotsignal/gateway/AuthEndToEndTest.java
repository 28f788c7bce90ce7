package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.auth.Tokens;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connect tokens, turned on with one parameter: the $connect authorizer runs as API Gateway runs it. */
class AuthEndToEndTest {
    static final String SECRET = "token-secret-used-only-in-tests!";
    static final Tokens TOKENS = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8));
    static LocalGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = LocalGateway.start(TestGateways.options(Map.of(
                        "AuthSecretParameterName", "/godot-signaling/token-secret",
                        "AllowedOrigins", "https://mygame.example"))
                .withSecrets(Map.of("/godot-signaling/token-secret", SECRET)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static URI withToken(String token) {
        return URI.create(gateway.url() + "/?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    static String refusedStatus(URI uri) {
        CompletionException e = assertThrows(CompletionException.class, () -> WsClient.connect(uri));
        return String.valueOf(e.getCause().getCause());
    }

    @Test
    void aValidTokenConnectsAndPlays() {
        String token = TOKENS.mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        try (WsClient ws = WsClient.connect(withToken(token))) {
            ws.send(0, 0, "");
            ws.expect(1, 1, "true");
        }
    }

    @Test
    void aMissingTokenIsRefusedWith401() {
        assertTrue(refusedStatus(gateway.url()).contains("401"));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String expired = TOKENS.mint("player-1", Duration.ofMinutes(-5), Optional.empty(), Instant.now());
        assertTrue(refusedStatus(withToken(expired)).contains("403"));
    }

    @Test
    void aTamperedTokenIsRefused() {
        String token = TOKENS.mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        String[] parts = token.split("\\.");
        String otherClaims = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"someone-else\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8));
        assertTrue(refusedStatus(withToken(parts[0] + "." + otherClaims + "." + parts[2])).contains("403"));
        String forged = new Tokens("a-different-secret-of-32-bytes!!".getBytes(StandardCharsets.UTF_8))
                .mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        assertTrue(refusedStatus(withToken(forged)).contains("403"));
    }

    @Test
    void aTokenBoundToALobbyJoinsOnlyThatLobby() {
        String hostToken = TOKENS.mint("host", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        try (WsClient host = WsClient.connect(withToken(hostToken))) {
            host.send(0, 0, "");
            host.expect(1, 1, "true");
            String lobby = host.expect(0).path("data").asText();
            String bound = TOKENS.mint("guest", Duration.ofMinutes(5), Optional.of(lobby), Instant.now());
            try (WsClient guest = WsClient.connect(URI.create(withToken(bound) + "&ext=1"))) {
                guest.send(0, 0, lobby);
                guest.expect(1);
            }
            try (WsClient wrong = WsClient.connect(URI.create(withToken(bound) + "&ext=1"))) {
                wrong.send(0, 0, ""); // creating a lobby is not the lobby it was given
                wrong.expect(100, 4000, "Lobby not allowed by token");
                wrong.awaitClose();
            }
        }
    }

    @Test
    void browsersFromOtherOriginsAreRefused() throws Exception {
        String token = TOKENS.mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        HttpClient http = HttpClient.newHttpClient();
        CompletionException refused = assertThrows(CompletionException.class, () -> http.newWebSocketBuilder()
                .header("Origin", "https://evil.example").buildAsync(withToken(token), new java.net.http.WebSocket.Listener() { }).join());
        assertTrue(String.valueOf(refused.getCause().getCause()).contains("403"), String.valueOf(refused.getCause().getCause()));
        http.newWebSocketBuilder().header("Origin", "https://mygame.example")
                .buildAsync(withToken(token), new java.net.http.WebSocket.Listener() { }).join().abort();
    }
}
