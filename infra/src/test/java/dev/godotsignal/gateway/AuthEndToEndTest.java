package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.auth.Tokens;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.LobbyList;
import dev.godotsignal.testing.LocalGatewayExtension;
import dev.godotsignal.testing.Resumes;
import dev.godotsignal.testing.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connect tokens, turned on with one parameter: the $connect authorizer runs as API Gateway runs
 * it.
 */
class AuthEndToEndTest {
    static final String SECRET = "token-secret-used-only-in-tests!";
    static final Tokens TOKENS = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8));

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY =
            LocalGatewayExtension.with(
                    Map.of(
                            "AuthSecretParameterName",
                            "/godot-signaling/token-secret",
                            "AllowedOrigins",
                            "https://mygame.example"),
                    options ->
                            options.withSecrets(Map.of("/godot-signaling/token-secret", SECRET)));

    static URI withToken(String token) {
        return URI.create(
                GATEWAY.get().url()
                        + "/?token="
                        + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    static String refusedStatus(URI uri) {
        CompletionException e =
                assertThrows(CompletionException.class, () -> WsClient.connect(uri));
        return String.valueOf(e.getCause().getCause());
    }

    @Test
    void aValidTokenConnectsAndPlays() {
        String token =
                TOKENS.mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        try (WsClient ws = WsClient.connect(withToken(token))) {
            ws.send(MessageType.JOIN, 0, "");
            ws.expect(MessageType.ID, 1, "true");
        }
    }

    @Test
    void aResumeNeedsTheSamePlayer() {
        String alice = TOKENS.mint("alice", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        String mallory =
                TOKENS.mint("mallory", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        try (WsClient host = WsClient.connect(URI.create(withToken(alice) + "&ext=1"))) {
            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID, 1, "true");
            String resumeToken = host.expect(MessageType.RESUME).get("data").asText();
            String lobby = host.expect(MessageType.JOIN).get("data").asText();
            GATEWAY.get().dropConnection(Resumes.connectionOf(GATEWAY.get(), lobby, 1));
            host.awaitClose();
            String resume =
                    "&ext=1&resume=" + URLEncoder.encode(resumeToken, StandardCharsets.UTF_8);
            assertEquals(
                    403,
                    Resumes.handshakeStatus(URI.create(withToken(mallory) + resume)),
                    "another player's connect token cannot take alice's seat");
            try (WsClient back = WsClient.connect(URI.create(withToken(alice) + resume))) {
                back.expect(MessageType.ID, 1, "true");
                back.expect(MessageType.RESUME);
                back.expect(MessageType.JOIN, 0, lobby);
            }
        }
    }

    @Test
    void aMissingTokenIsRefusedWith401() {
        assertTrue(refusedStatus(GATEWAY.get().url()).contains("401"));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String expired =
                TOKENS.mint("player-1", Duration.ofMinutes(-5), Optional.empty(), Instant.now());
        assertTrue(refusedStatus(withToken(expired)).contains("403"));
    }

    @Test
    void aTamperedTokenIsRefused() {
        String token =
                TOKENS.mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        String[] parts = token.split("\\.", -1);
        String otherClaims =
                java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                "{\"sub\":\"someone-else\",\"exp\":9999999999}"
                                        .getBytes(StandardCharsets.UTF_8));
        assertTrue(
                refusedStatus(withToken(parts[0] + "." + otherClaims + "." + parts[2]))
                        .contains("403"));
        String forged =
                new Tokens("a-different-secret-of-32-bytes!!".getBytes(StandardCharsets.UTF_8))
                        .mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        assertTrue(refusedStatus(withToken(forged)).contains("403"));
    }

    @Test
    void aTokenBoundToALobbyJoinsOnlyThatLobby() {
        String hostToken =
                TOKENS.mint("host", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        try (WsClient host = WsClient.connect(withToken(hostToken))) {
            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID, 1, "true");
            String lobby = host.expect(MessageType.JOIN).path("data").asText();
            String bound =
                    TOKENS.mint("guest", Duration.ofMinutes(5), Optional.of(lobby), Instant.now());
            try (WsClient guest = WsClient.connect(URI.create(withToken(bound) + "&ext=1"))) {
                guest.send(MessageType.JOIN, 0, lobby);
                guest.expect(MessageType.ID);
            }
            try (WsClient wrong = WsClient.connect(URI.create(withToken(bound) + "&ext=1"))) {
                wrong.send(
                        MessageType.JOIN, 0, ""); // creating a lobby is not the lobby it was given
                wrong.expect(MessageType.ERROR, 4000, "Lobby not allowed by token");
                wrong.awaitClose();
            }
        }
    }

    @Test
    void browsersFromOtherOriginsAreRefused() throws Exception {
        String token =
                TOKENS.mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        HttpClient http = HttpClient.newHttpClient();
        CompletionException refused =
                assertThrows(
                        CompletionException.class,
                        () ->
                                http.newWebSocketBuilder()
                                        .header("Origin", "https://evil.example")
                                        .buildAsync(
                                                withToken(token),
                                                new java.net.http.WebSocket.Listener() {})
                                        .join());
        assertTrue(
                String.valueOf(refused.getCause().getCause()).contains("403"),
                String.valueOf(refused.getCause().getCause()));
        http.newWebSocketBuilder()
                .header("Origin", "https://mygame.example")
                .buildAsync(withToken(token), new java.net.http.WebSocket.Listener() {})
                .join()
                .abort();
    }

    /** A valid token bound to the game "racing". */
    static String racingToken() {
        return TOKENS.mint(
                "racer",
                Duration.ofMinutes(5),
                Optional.empty(),
                Optional.of("racing"),
                Instant.now());
    }

    @Test
    void aTokenBoundToAGameConnectsOnlyToThatGame() {
        String racer = racingToken();
        try (WsClient ws = WsClient.connect(URI.create(withToken(racer) + "&game=racing"))) {
            ws.send(MessageType.JOIN, 0, "");
            ws.expect(MessageType.ID, 1, "true");
        }
        assertTrue(refusedStatus(withToken(racer)).contains("403"), "the default game");
        assertTrue(refusedStatus(URI.create(withToken(racer) + "&game=chess")).contains("403"));
    }

    static HttpResponse<String> list(String query, String... headers) throws Exception {
        return LobbyList.get(GATEWAY.get(), query, headers);
    }

    @Test
    void theLobbyListNeedsAValidTokenAndItsGame() throws Exception {
        String token =
                TOKENS.mint("player-1", Duration.ofMinutes(5), Optional.empty(), Instant.now());
        String racer = racingToken();
        String expired =
                TOKENS.mint("player-1", Duration.ofMinutes(-5), Optional.empty(), Instant.now());
        assertEquals(401, list("game=default").statusCode());
        assertEquals(403, list("token=" + expired).statusCode());
        assertEquals(403, list("token=not-a-token").statusCode());
        assertEquals(200, list("token=" + token).statusCode());
        assertEquals(200, list("game=x", "Authorization", "Bearer " + token).statusCode());
        assertEquals(200, list("game=racing&token=" + racer).statusCode());
        assertEquals(403, list("game=chess&token=" + racer).statusCode());
        // CORS follows AllowedOrigins: this deployment allows one origin.
        HttpResponse<String> allowed = list("token=" + token, "Origin", "https://mygame.example");
        assertEquals(
                "https://mygame.example",
                allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        HttpResponse<String> other = list("token=" + token, "Origin", "https://evil.example");
        assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }
}
