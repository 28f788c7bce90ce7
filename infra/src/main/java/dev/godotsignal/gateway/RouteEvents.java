package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The event JSON API Gateway sends to a WebSocket route's Lambda integration. */
final class RouteEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US)
                    .withZone(ZoneOffset.UTC);

    private final String apiId;
    private final String stage;
    private final String domainName;

    RouteEvents(String apiId, String stage, String domainName) {
        this.apiId = apiId;
        this.stage = stage;
        this.domainName = domainName;
    }

    ObjectNode connect(
            GatewayConnection connection,
            Map<String, List<String>> headers,
            Map<String, List<String>> query,
            Optional<ObjectNode> authorizerContext) {
        ObjectNode event = request(headers, query);
        ObjectNode context = context(event, connection, "$connect", "CONNECT");
        authorizerContext.ifPresent(a -> context.set("authorizer", a));
        event.put("isBase64Encoded", false);
        return event;
    }

    /**
     * The REQUEST authorizer event: the handshake's headers and query, and the route's method ARN.
     */
    ObjectNode authorizer(
            GatewayConnection connection,
            Map<String, List<String>> headers,
            Map<String, List<String>> query) {
        ObjectNode event = request(headers, query);
        event.put("type", "REQUEST");
        event.put(
                "methodArn",
                "arn:aws:execute-api:"
                        + dev.godotsignal.template.SamTemplate.REGION
                        + ":"
                        + dev.godotsignal.template.SamTemplate.ACCOUNT
                        + ":"
                        + apiId
                        + "/"
                        + stage
                        + "/$connect");
        event.putObject("stageVariables");
        context(event, connection, "$connect", "CONNECT");
        return event;
    }

    private ObjectNode request(Map<String, List<String>> headers, Map<String, List<String>> query) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode single = event.putObject("headers");
        ObjectNode multi = event.putObject("multiValueHeaders");
        headers.forEach(
                (name, values) -> {
                    single.put(name, values.get(values.size() - 1));
                    multi.set(name, JSON.valueToTree(values));
                });
        if (!query.isEmpty()) {
            ObjectNode singleQuery = event.putObject("queryStringParameters");
            ObjectNode multiQuery = event.putObject("multiValueQueryStringParameters");
            query.forEach(
                    (name, values) -> {
                        singleQuery.put(name, values.get(values.size() - 1));
                        multiQuery.set(name, JSON.valueToTree(values));
                    });
        }
        return event;
    }

    ObjectNode message(GatewayConnection connection, String routeKey, String body, boolean base64) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode context = context(event, connection, routeKey, "MESSAGE");
        context.put("messageId", RequestIds.next().substring(0, 13));
        context.put("messageDirection", "IN");
        event.put("body", body);
        event.put("isBase64Encoded", base64);
        return event;
    }

    ObjectNode disconnect(GatewayConnection connection, int statusCode, String reason) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode context = context(event, connection, "$disconnect", "DISCONNECT");
        context.put("disconnectStatusCode", statusCode);
        context.put("disconnectReason", reason == null ? "" : reason);
        event.put("isBase64Encoded", false);
        return event;
    }

    private ObjectNode context(
            ObjectNode event, GatewayConnection connection, String routeKey, String eventType) {
        Instant now = Instant.now();
        String requestId = RequestIds.next();
        ObjectNode context = event.putObject("requestContext");
        context.put("routeKey", routeKey);
        context.put("eventType", eventType);
        context.put("extendedRequestId", requestId);
        context.put("requestTime", REQUEST_TIME.format(now));
        context.put("stage", stage);
        context.put("connectedAt", connection.connectedAt.toEpochMilli());
        context.put("requestTimeEpoch", now.toEpochMilli());
        ObjectNode identity = context.putObject("identity");
        identity.put("sourceIp", connection.sourceIp);
        if (connection.userAgent != null) {
            identity.put("userAgent", connection.userAgent);
        }
        context.put("requestId", requestId);
        context.put("domainName", domainName);
        context.put("connectionId", connection.id);
        context.put("apiId", apiId);
        return context;
    }
}
