package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.inprocess.LocalHttpResponse;
import dev.godotsignal.lobby.Limits;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

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

    /**
     * One call, whether it came over HTTP or in process: {@code path} ends in {@code
     * /@connections/<id>}, {@code payload} is the POST body (read at least one byte past the limit,
     * so a body over it is seen). Over HTTP an unsigned call is refused, as API Gateway refuses it;
     * the gateway's own functions, answered in process, sign nothing.
     */
    LocalHttpResponse call(
            String method,
            String path,
            Optional<String> authorization,
            boolean inProcess,
            byte[] payload) {
        boolean signed = authorization.filter(a -> a.startsWith("AWS4-HMAC-SHA256")).isPresent();
        if (!signed && !inProcess) {
            return error(403, "ForbiddenException", "Missing Authentication Token");
        }
        String id =
                URLDecoder.decode(
                        path.substring(path.indexOf(PATH) + PATH.length()), StandardCharsets.UTF_8);
        meter.connectionsCall(method);
        GatewayConnection connection = connections.get(id);
        if (connection == null || !connection.isOpen()) {
            return error(410, "GoneException", null);
        }
        if (method.equals("POST") && killOnPost.test(id)) {
            log.accept("@connections POST " + id + ": connection killed (chaos), 410");
            connection.abort();
            return error(410, "GoneException", null);
        }
        switch (method) {
            case "POST" -> {
                if (payload.length > MAX_PAYLOAD) {
                    return error(413, "PayloadTooLargeException", "Message too long");
                }
                try {
                    connection.send(payload);
                } catch (java.io.IOException e) {
                    // Always told: a 410 makes the handlers remove the peer, which a developer must
                    // be able to trace.
                    warn.accept(
                            "@connections POST " + id + ": " + e.getMessage() + ", answered 410");
                    return error(410, "GoneException", null);
                }
                meter.framesOut.increment();
                return new LocalHttpResponse(200, Map.of(), new byte[0]);
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
                return LocalHttpResponse.of(200, "application/json", body.toString());
            }
            case "DELETE" -> {
                log.accept("@connections DELETE " + id);
                connection.close(1000, "");
                return new LocalHttpResponse(204, Map.of(), new byte[0]);
            }
            default -> {
                return error(405, "MethodNotAllowedException", "Method not allowed");
            }
        }
    }

    private static LocalHttpResponse error(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        return new LocalHttpResponse(
                status,
                Map.of("x-amzn-ErrorType", type, "Content-Type", "application/json"),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
