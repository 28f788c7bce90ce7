package dev.godotsignal.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.auth.Tokens;
import dev.godotsignal.gateway.GatewayOptions;
import dev.godotsignal.gateway.GodotDemoClientReplayTest;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.LobbyList;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The jar we deploy, not the classes we compiled: every function runs from {@code
 * functions-lambda.jar} (shrunk by ProGuard) in a class loader of its own, its SDK clients on their
 * own HTTP client, as on Lambda. A class the shrinking dropped but a handler needs fails here. Runs
 * in {@code mvn verify}, after the functions module has packaged the jar.
 */
class DeploymentArtifactIT {
    static final Path JAR =
            TestGateways.template().getParent().resolve("functions/target/functions-lambda.jar");
    static final String SECRET = "artifact-test-token-secret-32byte";

    static LocalGateway start(Map<String, String> parameters, Map<String, String> secrets)
            throws Exception {
        GatewayOptions options =
                TestGateways.options(parameters).toBuilder()
                        .functionsJar(Optional.of(JAR))
                        .secrets(secrets)
                        .build();
        return LocalGateway.start(options);
    }

    static void assertRanFromTheArtifact(LocalGateway gateway, String function) {
        String source = gateway.handlerSource(function).map(Object::toString).orElse("never ran");
        assertTrue(source.endsWith("/functions-lambda.jar"), function + " ran from " + source);
    }

    @Test
    void demoSessionsDiscoveryAndTimersRunOnTheArtifact() throws Exception {
        try (LocalGateway gateway = start(Map.of("SealCloseDelaySeconds", "1"), Map.of())) {
            // Connect, relay, seal, the timer that closes sealed sockets, disconnect.
            GodotDemoClientReplayTest.fullSession(gateway.url(), true);

            // Discovery: a public lobby with data, listed over the HTTP API; a quick match takes
            // its seat.
            try (WsClient host =
                            WsClient.connectWithExtensions(
                                    URI.create(gateway.url() + "/?game=artifact"));
                    WsClient matcher =
                            WsClient.connectWithExtensions(
                                    URI.create(gateway.url() + "/?game=artifact"))) {
                host.send(MessageType.JOIN, 0, "");
                host.expect(MessageType.ID, 1, "true");
                host.expect(MessageType.RESUME);
                String lobby = host.expect(MessageType.JOIN).path("data").asText();
                host.send(MessageType.LOBBY_DATA, 0, "{\"public\":true,\"data\":{\"map\":\"x\"}}");
                host.expect(MessageType.LOBBY_DATA);
                JsonNode page = LobbyList.page(gateway, "game=artifact");
                assertEquals(
                        lobby, page.path("lobbies").get(0).path("name").asText(), page.toString());

                matcher.send(MessageType.MATCH, 0, "{}");
                matcher.expect(MessageType.ID);
                host.expect(MessageType.PEER_CONNECT);
            }
            for (String function :
                    new String[] {
                        "ConnectFunction",
                        "MessageFunction",
                        "DisconnectFunction",
                        "TimerFunction",
                        "ListLobbiesFunction"
                    }) {
                assertRanFromTheArtifact(gateway, function);
            }
            assertEquals(0, gateway.inProcessCalls(), "the artifact's SDK used its own transport");
        }
    }

    @Test
    void theAuthorizerReadsItsSecretAndChecksTokensOnTheArtifact() throws Exception {
        try (LocalGateway gateway =
                start(
                        Map.of("AuthSecretParameterName", "/godot-signaling/token-secret"),
                        Map.of("/godot-signaling/token-secret", SECRET))) {
            String token =
                    new Tokens(SECRET.getBytes(StandardCharsets.UTF_8))
                            .mint(
                                    "player-1",
                                    Duration.ofMinutes(5),
                                    Optional.empty(),
                                    Instant.now());
            try (WsClient ws =
                    WsClient.connect(
                            URI.create(
                                    gateway.url()
                                            + "/?token="
                                            + URLEncoder.encode(token, StandardCharsets.UTF_8)))) {
                ws.send(MessageType.JOIN, 0, "");
                ws.expect(MessageType.ID, 1, "true");
            }
            String forged =
                    new Tokens("a-different-secret-of-32-bytes!!".getBytes(StandardCharsets.UTF_8))
                            .mint(
                                    "player-1",
                                    Duration.ofMinutes(5),
                                    Optional.empty(),
                                    Instant.now());
            CompletionException refused =
                    assertThrows(
                            CompletionException.class,
                            () ->
                                    WsClient.connect(
                                            URI.create(
                                                    gateway.url()
                                                            + "/?token="
                                                            + URLEncoder.encode(
                                                                    forged,
                                                                    StandardCharsets.UTF_8))));
            assertTrue(
                    String.valueOf(refused.getCause().getCause()).contains("403"),
                    String.valueOf(refused.getCause()));
            assertRanFromTheArtifact(gateway, "AuthorizerFunction");
        }
    }
}
