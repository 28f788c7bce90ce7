package dev.godotsignal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.godotsignal.template.FunctionPolicies;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * A stand-in for the AWS endpoints a function calls (DynamoDB, SQS, SSM, the {@code @connections}
 * API), on loopback: it records each call as the IAM action it needs and the resource it touches
 * (local ARNs, as {@link FunctionPolicies} writes them) and answers it as AWS would when IAM allows
 * it — or refuses it with {@code AccessDeniedException} when {@link #authorize} says no. Enough of
 * each answer for the SDK to parse; no data is kept.
 */
public final class RecordingAws implements AutoCloseable {
    /** One call: the IAM action it needs and the resource it touches. */
    public record Call(String action, String resource) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Call> calls = new ArrayList<>();
    private volatile BiPredicate<String, String> authorize = (action, resource) -> true;

    public RecordingAws() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Which calls IAM allows (all, until set). */
    public void authorize(BiPredicate<String, String> rule) {
        this.authorize = rule;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized void clear() {
        calls.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Call call;
            JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            String operation = "";
            if (target != null && target.startsWith("DynamoDB_")) {
                operation = target.substring(target.indexOf('.') + 1);
                call =
                        new Call(
                                "dynamodb:" + operation,
                                FunctionPolicies.tableArn(
                                        request.path("TableName").asText(),
                                        request.path("IndexName").asText("")));
            } else if (target != null && target.startsWith("AmazonSQS.")) {
                operation = target.substring(target.indexOf('.') + 1);
                String url = request.path("QueueUrl").asText();
                call =
                        new Call(
                                "sqs:" + operation,
                                FunctionPolicies.queueArn(url.substring(url.lastIndexOf('/') + 1)));
            } else if (target != null && target.startsWith("AmazonSSM.")) {
                operation = target.substring(target.indexOf('.') + 1);
                call =
                        new Call(
                                "ssm:" + operation,
                                FunctionPolicies.parameterArn(request.path("Name").asText()));
            } else {
                String path = exchange.getRequestURI().getPath();
                int at = path.indexOf("/@connections/");
                String stage = at > 0 ? path.substring(1, at) : "";
                call =
                        new Call(
                                "execute-api:ManageConnections",
                                FunctionPolicies.connectionsArn(
                                        stage,
                                        exchange.getRequestMethod(),
                                        path.substring(at + "/@connections/".length())));
            }
            synchronized (this) {
                calls.add(call);
            }
            if (!authorize.test(call.action(), call.resource())) {
                answer(
                        exchange,
                        400,
                        "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\","
                                + "\"message\":\"not authorized to perform: "
                                + call.action()
                                + " on resource: "
                                + call.resource()
                                + "\"}");
            } else if (operation.equals("PutItem") && request.has("ConditionExpression")) {
                // Nothing is stored here, so an attribute_exists condition never holds.
                answer(
                        exchange,
                        400,
                        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                                + "\"message\":\"The conditional request failed\"}");
            } else {
                answer(exchange, 200, "{}");
            }
        } finally {
            exchange.close();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
