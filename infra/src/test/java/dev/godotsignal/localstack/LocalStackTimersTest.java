package dev.godotsignal.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.godotsignal.handler.ConnectHandler;
import dev.godotsignal.handler.FunctionConfig;
import dev.godotsignal.handler.TimerHandler;
import dev.godotsignal.localdb.DynamoDbLocal;
import dev.godotsignal.template.SamTemplate;
import dev.godotsignal.testing.DockerEngine;
import dev.godotsignal.testing.TestGateways;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Timers on LocalStack's real SQS (community image 4.14.0) with the store on its DynamoDB: the
 * connect handler schedules the join deadline as a delayed message, the message arrives no earlier
 * than its delay, and the timer handler, fed that very message as Lambda's SQS event, closes the
 * connection that never joined and removes its record. {@code @connections} is a small recording
 * endpoint, as API Gateway is not in the community image. Skipped without a Docker engine.
 */
@ExtendWith(DockerEngine.class)
@Testcontainers
class LocalStackTimersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int JOIN_DEADLINE_SECONDS = 2;

    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.14.0"))
                    .withServices("dynamodb", "sqs");

    static DynamoDbClient dynamo;
    static SqsClient sqs;
    static HttpServer management;
    static final List<String> managementCalls = new CopyOnWriteArrayList<>();
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        var credentials =
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(
                                LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        dynamo =
                DynamoDbClient.builder()
                        .httpClient(UrlConnectionHttpClient.builder().build())
                        .endpointOverride(LOCALSTACK.getEndpoint())
                        .region(Region.of(LOCALSTACK.getRegion()))
                        .credentialsProvider(credentials)
                        .build();
        sqs =
                SqsClient.builder()
                        .httpClient(UrlConnectionHttpClient.builder().build())
                        .endpointOverride(LOCALSTACK.getEndpoint())
                        .region(Region.of(LOCALSTACK.getRegion()))
                        .credentialsProvider(credentials)
                        .build();
        DynamoDbLocal.createTables(
                dynamo, SamTemplate.load(TestGateways.template(), Map.of()).tables());
        String queueUrl = sqs.createQueue(b -> b.queueName("timers")).queueUrl();

        management =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        management.createContext(
                "/",
                exchange -> {
                    managementCalls.add(
                            exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                });
        management.start();

        env =
                Map.ofEntries(
                        Map.entry(FunctionConfig.CONNECTIONS_TABLE, "ConnectionsTable"),
                        Map.entry(FunctionConfig.LOBBIES_TABLE, "LobbiesTable"),
                        Map.entry(FunctionConfig.TIMER_QUEUE_URL, queueUrl),
                        Map.entry(
                                FunctionConfig.JOIN_DEADLINE_SECONDS,
                                Integer.toString(JOIN_DEADLINE_SECONDS)),
                        Map.entry(
                                FunctionConfig.DYNAMODB_ENDPOINT,
                                LOCALSTACK.getEndpoint().toString()),
                        Map.entry(FunctionConfig.SQS_ENDPOINT, LOCALSTACK.getEndpoint().toString()),
                        Map.entry(
                                FunctionConfig.MANAGEMENT_ENDPOINT,
                                "http://127.0.0.1:" + management.getAddress().getPort() + "/prod"),
                        Map.entry("AWS_REGION", LOCALSTACK.getRegion()),
                        Map.entry("AWS_ACCESS_KEY_ID", LOCALSTACK.getAccessKey()),
                        Map.entry("AWS_SECRET_ACCESS_KEY", LOCALSTACK.getSecretKey()));
    }

    @AfterAll
    static void stop() {
        if (management != null) {
            management.stop(0);
        }
    }

    @Test
    void theJoinDeadlineTravelsThroughSqsAndClosesAConnectionThatNeverJoined() throws Exception {
        String connectionId = "never-joins";
        long connectedAt = System.nanoTime();
        JsonNode connected =
                invoke(
                        new ConnectHandler(env),
                        "{\"requestContext\":{\"routeKey\":\"$connect\",\"eventType\":\"CONNECT\","
                                + "\"connectionId\":\""
                                + connectionId
                                + "\",\"apiId\":\"local\",\"stage\":\"prod\"},\"isBase64Encoded\":false}");
        assertEquals(200, connected.path("statusCode").asInt());
        assertTrue(
                dynamo.getItem(
                                b ->
                                        b.tableName("ConnectionsTable")
                                                .key(
                                                        Map.of(
                                                                "connectionId",
                                                                AttributeValue.fromS(connectionId)))
                                                .consistentRead(true))
                        .hasItem());

        Message timer = receiveOne();
        double waited = (System.nanoTime() - connectedAt) / 1e9;
        assertTrue(
                waited >= JOIN_DEADLINE_SECONDS - 0.5,
                "delivered after " + waited + " s, before its delay");
        JsonNode body = JSON.readTree(timer.body());
        assertEquals("connection-check", body.path("timer").asText());
        assertEquals(connectionId, body.path("connectionId").asText());

        // Lambda's SQS event source hands the message to the timer function as one record.
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records")
                .addObject()
                .put("messageId", timer.messageId())
                .put("receiptHandle", timer.receiptHandle())
                .put("body", timer.body())
                .put("eventSource", "aws:sqs");
        JsonNode response = invoke(new TimerHandler(env), event.toString());
        assertEquals(0, response.path("batchItemFailures").size(), response.toString());
        sqs.deleteMessage(
                b ->
                        b.queueUrl(env.get(FunctionConfig.TIMER_QUEUE_URL))
                                .receiptHandle(timer.receiptHandle()));

        assertTrue(
                managementCalls.contains("DELETE /prod/@connections/" + connectionId),
                managementCalls.toString());
        assertTrue(
                !dynamo.getItem(
                                b ->
                                        b.tableName("ConnectionsTable")
                                                .key(
                                                        Map.of(
                                                                "connectionId",
                                                                AttributeValue.fromS(connectionId)))
                                                .consistentRead(true))
                        .hasItem(),
                "the connection record is removed");
    }

    static Message receiveOne() {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Message> messages =
                    sqs.receiveMessage(
                                    b ->
                                            b.queueUrl(env.get(FunctionConfig.TIMER_QUEUE_URL))
                                                    .waitTimeSeconds(5)
                                                    .maxNumberOfMessages(1))
                            .messages();
            if (!messages.isEmpty()) {
                return messages.get(0);
            }
        }
        throw new AssertionError("no timer message within 30 s");
    }

    static JsonNode invoke(
            com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, String event)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }
}
