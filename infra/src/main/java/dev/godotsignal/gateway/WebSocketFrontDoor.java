package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.chaos.Chaos;
import dev.godotsignal.chaos.ChaosOptions;
import dev.godotsignal.protocol.MessageType;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;

/**
 * The WebSocket side of the gateway, as API Gateway behaves: the handshake runs the authorizer and
 * {@code $connect} (a non-2xx refuses it), each frame is handed to its route's function with no
 * per-connection ordering, every close is followed by {@code $disconnect}, and a failing or missing
 * route answers with API Gateway's own error frame.
 */
public final class WebSocketFrontDoor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String stageName;
    private final RouteTable routes;
    private final ConnectAuthorizer authorizer;
    private final RouteEvents events;
    private final Map<String, GatewayConnection> connections;
    private final InvocationPool invocations;
    private final ScheduledExecutorService timers;
    private final Chaos chaos;
    private final GatewayMeter meter;
    private final Consumer<String> log;
    private final Consumer<String> warn;
    private final Duration maxConnectionDuration;

    /** Injected fault: closes trigger no {@code $disconnect} while this says so. */
    private final BooleanSupplier dropDisconnectEvents;

    private final SecureRandom random = new SecureRandom();

    WebSocketFrontDoor(
            String stageName,
            RouteTable routes,
            RouteEvents events,
            Map<String, GatewayConnection> connections,
            InvocationPool invocations,
            ScheduledExecutorService timers,
            Chaos chaos,
            GatewayMeter meter,
            Consumer<String> log,
            Consumer<String> warn,
            Duration maxConnectionDuration,
            BooleanSupplier dropDisconnectEvents) {
        this.stageName = stageName;
        this.routes = routes;
        this.authorizer = new ConnectAuthorizer(routes, events, log);
        this.events = events;
        this.connections = connections;
        this.invocations = invocations;
        this.timers = timers;
        this.chaos = chaos;
        this.meter = meter;
        this.log = log;
        this.warn = warn;
        this.maxConnectionDuration = maxConnectionDuration;
        this.dropDisconnectEvents = dropDisconnectEvents;
    }

    /**
     * The handshake: an endpoint for an accepted connection, or null once the refusal is written.
     */
    Object upgrade(
            ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String stagePath = "/" + stageName;
        if (!(path.equals("/") || path.equals(stagePath) || path.equals(stagePath + "/"))) {
            Response.writeError(request, response, callback, 404, "connect at / or " + stagePath);
            return null;
        }
        String sourceIp = Request.getRemoteAddr(request);
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        GatewayConnection connection =
                new GatewayConnection(newConnectionId(), Instant.now(), sourceIp, userAgent);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
        }
        Map<String, List<String>> query = query(request.getHttpURI().getQuery());
        ConnectAuthorizer.Decision decision = authorizer.authorize(connection, headers, query);
        if (decision instanceof ConnectAuthorizer.Decision.Refused refused) {
            Response.writeError(request, response, callback, refused.status(), refused.message());
            return null;
        }
        Optional<ObjectNode> context = ((ConnectAuthorizer.Decision.Allowed) decision).context();
        Optional<LocalFunction> connect = routes.function("$connect");
        if (connect.isPresent()) {
            LocalFunction.Result result =
                    connect.get().invoke(events.connect(connection, headers, query, context));
            log.accept(
                    logColumn("$connect")
                            + " "
                            + connection.id
                            + " -> "
                            + connect.get().name()
                            + " "
                            + result.statusCode()
                            + " ("
                            + result.millis()
                            + " ms)");
            if (!result.ok() || result.statusCode() < 200 || result.statusCode() > 299) {
                int status =
                        result.ok() && result.statusCode() >= 400 && result.statusCode() <= 599
                                ? result.statusCode()
                                : 500;
                Response.writeError(
                        request, response, callback, status, "connection refused by $connect");
                return null;
            }
        }
        connections.put(connection.id, connection);
        if (!query.containsKey("resume")) {
            // Injected fault: the network drops this connection once (a resumed one is spared).
            chaos.dropAfterMillis()
                    .ifPresent(
                            millis -> {
                                var unusedDrop =
                                        timers.schedule(
                                                () -> dropWhenQuiet(connection, 0),
                                                millis,
                                                TimeUnit.MILLISECONDS);
                            });
        }
        // Fire and forget: the close ends the connection whether or not anyone waits on it.
        var unused =
                timers.schedule(
                        () -> connection.close(StatusCode.SHUTDOWN, "Connection duration exceeded"),
                        maxConnectionDuration.toMillis(),
                        TimeUnit.MILLISECONDS);
        return new Endpoint(this, connection);
    }

    /**
     * A chaos drop waits until the connection got its first frame {@link ChaosOptions#DROP_AFTER}
     * ago (the join that frame began has long ended; on a machine slow enough that it had not even
     * begun, the drop would be a failed join instead of a blip), then lands in a lull of the
     * connection's traffic (none either way for 100 ms; it waits up to 2 s for one): frames caught
     * in the cut itself are lost by any network, and no protocol above TCP gets them back, so the
     * suite's exactly-once checks would only measure that luck.
     */
    private void dropWhenQuiet(GatewayConnection connection, int waited) {
        if (!connection.isOpen()) {
            return; // closed meanwhile: nothing to drop
        }
        // The wait for a lull counts only once the first frame is old enough.
        boolean answered = connection.answeredFor(ChaosOptions.DROP_AFTER.toNanos());
        if (answered && (connection.quietFor(TimeUnit.MILLISECONDS.toNanos(100)) || waited >= 40)) {
            connection.abort();
        } else {
            int next = answered ? waited + 1 : waited;
            var unused =
                    timers.schedule(
                            () -> dropWhenQuiet(connection, next), 50, TimeUnit.MILLISECONDS);
        }
    }

    /** Jetty calls the endpoint through public method handles, so it is a public class. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private final WebSocketFrontDoor door;
        private final GatewayConnection connection;

        Endpoint(WebSocketFrontDoor door, GatewayConnection connection) {
            this.door = door;
            this.connection = connection;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            connection.opened(session);
        }

        @Override
        public void onWebSocketText(String message) {
            connection.touched();
            door.meter.framesIn.increment();
            // Parsed once: the lane and the route both read it.
            Optional<JsonNode> parsed = json(message);
            door.invokeLater(
                    laneOf(parsed), () -> door.dispatch(connection, message, false, parsed));
        }

        @Override
        public void onWebSocketBinary(
                ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            connection.touched();
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            callback.succeed();
            door.invokeLater(
                    InvocationPool.Lane.OTHER,
                    () ->
                            door.dispatch(
                                    connection,
                                    Base64.getEncoder().encodeToString(bytes),
                                    true,
                                    Optional.empty()));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            door.disconnected(connection, statusCode, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            door.disconnected(connection, StatusCode.ABNORMAL, String.valueOf(cause.getMessage()));
        }
    }

    /**
     * Hands a frame to Lambda: at once, or after a chaos delay that reorders a connection's frames.
     */
    private void invokeLater(InvocationPool.Lane lane, Runnable invocation) {
        long delay = chaos.delayMillis();
        if (delay == 0) {
            invoke(lane, invocation);
        } else {
            var unused =
                    timers.schedule(() -> invoke(lane, invocation), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Runs an invocation, unless the gateway is shutting down (then nothing runs any more). */
    private void invoke(InvocationPool.Lane lane, Runnable invocation) {
        try {
            invocations.run(lane, invocation);
        } catch (RejectedExecutionException shuttingDown) {
            // the gateway is stopping: frames arriving now are not handled
        }
    }

    /** A text frame's JSON, or empty when it is not JSON (the function answers it). */
    static Optional<JsonNode> json(String frame) {
        try {
            return Optional.ofNullable(JSON.readTree(frame));
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }

    /** A JOIN or a MATCH changes who is where: it goes ahead of relays (see InvocationPool). */
    static InvocationPool.Lane laneOf(Optional<JsonNode> frame) {
        JsonNode type = frame.map(f -> f.get("type")).orElse(null);
        return type != null
                        && type.isInt()
                        && (type.intValue() == MessageType.JOIN.code()
                                || type.intValue() == MessageType.MATCH.code())
                ? InvocationPool.Lane.MEMBERSHIP
                : InvocationPool.Lane.OTHER;
    }

    private void dispatch(
            GatewayConnection connection, String body, boolean base64, Optional<JsonNode> parsed) {
        String routeKey = routes.select(parsed);
        if (routes.isMock(routeKey)) {
            return; // answered by the MOCK integration; no route response is configured, so nothing
            // is sent
        }
        Optional<LocalFunction> function = routes.function(routeKey);
        if (function.isEmpty()) {
            sendGatewayError("Forbidden", connection);
            return;
        }
        LocalFunction.Result result =
                function.get().invoke(events.message(connection, routeKey, body, base64));
        // Concatenated, not String.format: this runs for every frame, logged or not, and the
        // formatter was 2.6 % of the gateway's CPU under load.
        log.accept(
                logColumn(routeKey)
                        + " "
                        + connection.id
                        + " -> "
                        + function.get().name()
                        + " "
                        + result.statusCode()
                        + " ("
                        + result.millis()
                        + " ms)");
        if (!result.ok()) {
            sendGatewayError("Internal server error", connection);
        }
    }

    /** A route key padded to the verbose log's first column (11 characters). */
    static String logColumn(String key) {
        return key.length() >= 11 ? key : key + " ".repeat(11 - key.length());
    }

    private void disconnected(GatewayConnection connection, int statusCode, String reason) {
        if (!connection.markDisconnected()) {
            return;
        }
        connections.remove(connection.id);
        Optional<LocalFunction> disconnect = routes.function("$disconnect");
        if (disconnect.isEmpty() || dropDisconnectEvents.getAsBoolean() || chaos.dropDisconnect()) {
            return;
        }
        // In arrival order with the connection's frames: only joins need to go ahead of relays.
        invoke(
                InvocationPool.Lane.OTHER,
                () -> {
                    LocalFunction.Result result =
                            disconnect
                                    .get()
                                    .invoke(events.disconnect(connection, statusCode, reason));
                    log.accept(
                            logColumn("$disconnect")
                                    + " "
                                    + connection.id
                                    + " -> "
                                    + disconnect.get().name()
                                    + " "
                                    + result.statusCode()
                                    + " ("
                                    + result.millis()
                                    + " ms, close "
                                    + statusCode
                                    + ")");
                });
    }

    private void sendGatewayError(String message, GatewayConnection connection) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        body.put("connectionId", connection.id);
        body.put("requestId", Long.toHexString(System.nanoTime()));
        try {
            connection.send(body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            warn.accept(
                    "could not tell " + connection.id + " '" + message + "': " + e.getMessage());
        }
    }

    /**
     * Ids shaped like API Gateway's: 16 characters ending in '=' (so SDK URL-encoding is
     * exercised).
     */
    private String newConnectionId() {
        byte[] bytes = new byte[11];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('+', 'A').replace('/', 'B');
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name =
                    URLDecoder.decode(
                            eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value =
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }
}
