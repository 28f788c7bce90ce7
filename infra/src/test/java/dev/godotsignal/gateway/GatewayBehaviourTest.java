package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.localdb.DynamoDbLocal;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.testing.Resumes;
import dev.godotsignal.testing.TestGateways;
import dev.godotsignal.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** The local gateway's API Gateway behaviours, seen from clients and from the AWS SDK. */
class GatewayBehaviourTest {

    static ApiGatewayManagementApiClient management(LocalGateway gateway) {
        return ApiGatewayManagementApiClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().build())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(
                                        DynamoDbLocal.ACCESS_KEY, DynamoDbLocal.SECRET_KEY)))
                .endpointOverride(
                        URI.create(
                                "http://127.0.0.1:"
                                        + gateway.port()
                                        + "/"
                                        + gateway.template().stageName()))
                .build();
    }

    /**
     * Finds the connection id of the only open connection through the connections table (a Query
     * would need the id).
     */
    static String onlyConnectionId(LocalGateway gateway) {
        var items = gateway.dynamo().client().scan(b -> b.tableName("ConnectionsTable")).items();
        assertEquals(1, items.size());
        return items.get(0).get("connectionId").s();
    }

    @Test
    void theManagementApiAnswersTheSdkLikeApiGateway() throws Exception {
        try (LocalGateway gateway = TestGateways.start(Map.of());
                ApiGatewayManagementApiClient api = management(gateway);
                WsClient ws = WsClient.connect(gateway.url())) {
            Thread.sleep(200);
            String id = onlyConnectionId(gateway);
            assertTrue(id.matches("[A-Za-z0-9]{15}="), "shaped like API Gateway's: " + id);

            api.postToConnection(
                    b -> b.connectionId(id).data(SdkBytes.fromUtf8String("{\"hello\":1}")));
            assertEquals("{\"hello\":1}", ws.nextRaw(WsClient.WAIT));

            GetConnectionResponse info = api.getConnection(b -> b.connectionId(id));
            assertEquals("127.0.0.1", info.identity().sourceIp());
            assertTrue(info.connectedAt() != null && info.lastActiveAt() != null);

            api.deleteConnection(b -> b.connectionId(id));
            ws.awaitClose();
            assertThrows(
                    GoneException.class,
                    () ->
                            api.postToConnection(
                                    b -> b.connectionId(id).data(SdkBytes.fromUtf8String("x"))));
            assertThrows(GoneException.class, () -> api.getConnection(b -> b.connectionId(id)));

            // Unsigned requests are refused, as API Gateway refuses them.
            HttpResponse<String> unsigned =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + gateway.port()
                                                                    + "/prod/@connections/"
                                                                    + id))
                                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, unsigned.statusCode());
        }
    }

    @Test
    void idleConnectionsCloseAndTheirDisconnectIsHandled() throws Exception {
        GatewayOptions options =
                TestGateways.options(Map.of())
                        .withTimeouts(Duration.ofSeconds(1), Duration.ofHours(2));
        try (LocalGateway gateway = LocalGateway.start(options);
                WsClient host = WsClient.connect(gateway.url());
                WsClient idle = WsClient.connect(gateway.url())) {
            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID, 1, "true");
            String lobby = host.expect(MessageType.JOIN).path("data").asText();
            idle.send(MessageType.JOIN, 0, lobby);
            int idleId = idle.expect(MessageType.ID).path("id").asInt();
            host.expect(MessageType.PEER_CONNECT, idleId, "");
            // Neither sends anything more: after the idle timeout the gateway closes both, like API
            // Gateway.
            assertEquals(1001, idle.awaitClose(), "closed as idle (going away)");
            host.awaitClose();
            Thread.sleep(500);
            assertEquals(
                    0,
                    gateway.dynamo().client().scan(b -> b.tableName("ConnectionsTable")).count(),
                    "$disconnect removed both connections");
        }
    }

    @Test
    void anIdleExtensionPeerIsSuspendedNotRemovedUntilItsGraceEnds() throws Exception {
        GatewayOptions options =
                TestGateways.options(Map.of("ResumeGraceSeconds", "3"))
                        .withTimeouts(Duration.ofSeconds(1), Duration.ofHours(2));
        try (LocalGateway gateway = LocalGateway.start(options);
                WsClient host = WsClient.connectWithExtensions(gateway.url())) {
            host.send(MessageType.JOIN, 0, "");
            host.expect(MessageType.ID, 1, "true");
            String token = host.expect(MessageType.RESUME).path("data").asText();
            host.expect(MessageType.JOIN);
            assertEquals(1001, host.awaitClose(), "closed as idle (going away)");
            Thread.sleep(500);
            assertEquals(
                    1,
                    gateway.dynamo().client().scan(b -> b.tableName("ConnectionsTable")).count(),
                    "an idle timeout is not a leave: the host is suspended, its lobby kept");
            try (WsClient back = WsClient.connect(Resumes.resumeUrl(gateway, "ext=1", token))) {
                back.expect(MessageType.ID, 1, "true");
                back.expect(MessageType.RESUME);
                back.expect(MessageType.JOIN);
            }
        }
    }

    @Test
    void theKeepAliveRouteKeepsAnIdleConnectionOpenWithoutAnyFunction() throws Exception {
        GatewayOptions options =
                TestGateways.options(Map.of())
                        .withTimeouts(Duration.ofSeconds(1), Duration.ofHours(2));
        try (LocalGateway gateway = LocalGateway.start(options);
                WsClient ws = WsClient.connect(gateway.url())) {
            for (int i = 0; i < 8; i++) {
                ws.send("{\"action\":\"ping\"}");
                Thread.sleep(300);
            }
            assertTrue(!ws.isClosed(), "2.4 s of pings kept a 1 s idle timeout at bay");
            assertEquals(
                    null, ws.nextRaw(Duration.ofMillis(100)), "the MOCK route answers nothing");
        }
    }

    @Test
    void connectionsCloseAtTheMaximumDuration() throws Exception {
        GatewayOptions options =
                TestGateways.options(Map.of())
                        .withTimeouts(Duration.ofMinutes(10), Duration.ofSeconds(1));
        try (LocalGateway gateway = LocalGateway.start(options);
                WsClient ws = WsClient.connect(gateway.url())) {
            assertEquals(1001, ws.awaitClose());
        }
    }

    @Test
    void aNon2xxFromConnectRefusesTheHandshake(@TempDir Path dir) throws Exception {
        Path template = dir.resolve("sam-template.yaml");
        Files.writeString(
                template,
                Files.readString(TestGateways.template())
                        .replace(
                                "dev.godotsignal.handler.ConnectHandler::handleRequest",
                                RefusingConnectHandler.class.getName()));
        GatewayOptions options = TestGateways.options(Map.of()).withTemplate(template);
        try (LocalGateway gateway = LocalGateway.start(options)) {
            CompletionException e =
                    assertThrows(CompletionException.class, () -> WsClient.connect(gateway.url()));
            assertTrue(
                    String.valueOf(e.getCause().getCause()).contains("403"),
                    String.valueOf(e.getCause().getCause()));
        }
    }

    @Test
    void theStatusPageAndUnknownPaths() throws Exception {
        try (LocalGateway gateway = TestGateways.start(Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + gateway.port()
                                                            + "/status"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("ws://localhost:" + gateway.port()));
            assertEquals(
                    404,
                    http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + gateway.port()
                                                                    + "/nope"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
        }
    }

    /**
     * Files carry a validator: a browser revalidates each load and, when nothing changed, keeps its
     * copy (for the Godot engine, with its compiled WebAssembly) instead of fetching it again.
     */
    @Test
    void servedFilesAreRevalidatedAndAnUnchangedOneIsNotSentAgain() throws Exception {
        try (LocalGateway gateway = TestGateways.start(Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            URI file = URI.create("http://127.0.0.1:" + gateway.port() + "/app.js");
            HttpResponse<String> first =
                    http.send(
                            HttpRequest.newBuilder(file).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, first.statusCode());
            assertEquals(Optional.of("no-cache"), first.headers().firstValue("cache-control"));
            String tag = first.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> again =
                    http.send(
                            HttpRequest.newBuilder(file).header("If-None-Match", tag).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(304, again.statusCode());
            assertEquals("", again.body());
            HttpResponse<String> stale =
                    http.send(
                            HttpRequest.newBuilder(file).header("If-None-Match", "\"0-0\"").build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stale.statusCode());
            assertEquals(first.body(), stale.body());
        }
    }
}
