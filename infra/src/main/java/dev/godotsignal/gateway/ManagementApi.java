package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.lobby.Limits;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * API Gateway's {@code @connections} management API over plain HTTP, at {@code
 * /<stage>/@connections/<id>}: POST sends, GET describes, DELETE closes; 410 GoneException for a
 * connection that is not open. Requests must be SigV4-signed like the real one (the signature
 * itself is not checked), so the SDK path is the one used against AWS.
 */
final class ManagementApi {
    static final String PATH = "/@connections/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAYLOAD = Limits.API_GATEWAY_MAX_MESSAGE_BYTES;

    private final Map<String, GatewayConnection> connections;
    private final Consumer<String> log;
    private final Consumer<String> warn;

    /** Injected faults: asked for each POST whether its connection dies right there. */
    private final Predicate<String> killOnPost;

    private final GatewayMeter meter;

    ManagementApi(
            Map<String, GatewayConnection> connections,
            Consumer<String> log,
            Consumer<String> warn,
            Predicate<String> killOnPost,
            GatewayMeter meter) {
        this.meter = meter;
        this.connections = connections;
        this.log = log;
        this.warn = warn;
        this.killOnPost = killOnPost;
    }

    void handle(Request request, Response response, Callback callback, String path)
            throws Exception {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256")) {
            error(response, callback, 403, "ForbiddenException", "Missing Authentication Token");
            return;
        }
        String id =
                URLDecoder.decode(
                        path.substring(path.indexOf(PATH) + PATH.length()), StandardCharsets.UTF_8);
        meter.connectionsCall(request.getMethod());
        GatewayConnection connection = connections.get(id);
        if (connection == null || !connection.isOpen()) {
            error(response, callback, 410, "GoneException", null);
            return;
        }
        if (request.getMethod().equals("POST") && killOnPost.test(id)) {
            log.accept("@connections POST " + id + ": connection killed (chaos), 410");
            connection.abort();
            error(response, callback, 410, "GoneException", null);
            return;
        }
        switch (request.getMethod()) {
            case "POST" -> {
                byte[] payload;
                try (InputStream in = Content.Source.asInputStream(request)) {
                    payload = in.readNBytes(MAX_PAYLOAD + 1);
                }
                if (payload.length > MAX_PAYLOAD) {
                    error(response, callback, 413, "PayloadTooLargeException", "Message too long");
                    return;
                }
                try {
                    connection.send(payload);
                } catch (java.io.IOException e) {
                    // Always told: a 410 makes the handlers remove the peer, which a developer must
                    // be able to trace.
                    warn.accept(
                            "@connections POST " + id + ": " + e.getMessage() + ", answered 410");
                    error(response, callback, 410, "GoneException", null);
                    return;
                }
                meter.framesOut.increment();
                response.setStatus(200);
                callback.succeeded();
            }
            case "GET" -> {
                ObjectNode body = JSON.createObjectNode();
                body.put("connectedAt", connection.connectedAt.toString());
                body.put("lastActiveAt", connection.lastActiveAt().toString());
                ObjectNode identity = body.putObject("identity");
                identity.put("sourceIp", connection.sourceIp);
                if (connection.userAgent != null) {
                    identity.put("userAgent", connection.userAgent);
                }
                json(response, callback, 200, body.toString());
            }
            case "DELETE" -> {
                log.accept("@connections DELETE " + id);
                connection.close(1000, "");
                response.setStatus(204);
                callback.succeeded();
            }
            default ->
                    error(
                            response,
                            callback,
                            405,
                            "MethodNotAllowedException",
                            "Method not allowed");
        }
    }

    private static void error(
            Response response, Callback callback, int status, String type, String message) {
        response.getHeaders().put("x-amzn-ErrorType", type);
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        json(response, callback, status, body.toString());
    }

    private static void json(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, body, callback);
    }
}
