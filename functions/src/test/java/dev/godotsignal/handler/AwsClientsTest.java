package dev.godotsignal.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** What the functions' SDK clients send: signed calls, unless the environment turns that off. */
class AwsClientsTest {
    private HttpServer server;
    private final AtomicReference<Optional<String>> authorization = new AtomicReference<>();

    @BeforeEach
    void startEndpoint() throws Exception {
        // Answers every call as DynamoDB answers a bad one (not retried), keeping its signature.
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    authorization.set(
                            Optional.ofNullable(
                                    exchange.getRequestHeaders().getFirst("Authorization")));
                    exchange.getRequestBody().readAllBytes();
                    byte[] body =
                            "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"no\"}"
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                    exchange.sendResponseHeaders(400, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stopEndpoint() {
        server.stop(0);
    }

    @Test
    void callsAreSignedWithTheEnvironmentsCredentials() {
        Optional<String> sent = callWith(Map.of());
        assertTrue(
                sent.orElse("").startsWith("AWS4-HMAC-SHA256 Credential=AKIDLOCAL/"),
                "SigV4 with the function's key: " + sent);
    }

    @Test
    void callsGoUnsignedWhereTheLocalGatewayTurnsSigningOff() {
        assertEquals(Optional.empty(), callWith(Map.of(FunctionConfig.SIGN_AWS_REQUESTS, "false")));
    }

    private Optional<String> callWith(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put(FunctionConfig.CONNECTIONS_TABLE, "Connections");
        env.put(FunctionConfig.LOBBIES_TABLE, "Lobbies");
        env.put(FunctionConfig.TIMER_QUEUE_URL, "http://127.0.0.1/queue");
        env.put("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
        env.put("AWS_SECRET_ACCESS_KEY", "secret");
        env.put(
                FunctionConfig.DYNAMODB_ENDPOINT,
                "http://127.0.0.1:" + server.getAddress().getPort());
        AwsClients clients = new AwsClients(FunctionConfig.from(env), env);
        assertThrows(
                DynamoDbException.class,
                () -> clients.dynamo().describeLimits(b -> {}),
                "the endpoint refuses every call");
        return authorization.get();
    }
}
