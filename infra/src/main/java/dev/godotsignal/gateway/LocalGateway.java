package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.chaos.Chaos;
import dev.godotsignal.chaos.ThrottlingInjector;
import dev.godotsignal.handler.FunctionConfig;
import dev.godotsignal.localdb.DynamoDbLocal;
import dev.godotsignal.template.SamTemplate;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.apache.ApacheSdkHttpService;

/**
 * A local stand-in for API Gateway's WebSocket API, driven by {@code sam-template.yaml}: it accepts
 * WebSocket connections at {@code /} and {@code /<stage>}, invokes the template's handler classes
 * with the event JSON API Gateway sends, and serves the {@code @connections} management API the
 * handlers call back through their real SDK clients. DynamoDB Local runs in the same process.
 *
 * <p>Like API Gateway: frames of one connection are handed to Lambda concurrently (no ordering),
 * frames over 32 KB and messages over 128 KB close the connection with 1009, idle connections
 * close after 10 minutes and every connection after 2 hours, a non-2xx {@code $connect} refuses the
 * handshake, and {@code $disconnect} follows every close.
 */
public final class LocalGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final int MAX_FRAME = 32 * 1024;
    private static final int MAX_MESSAGE = 128 * 1024;

    private final GatewayOptions options;
    private final SamTemplate template;
    private final DynamoDbLocal dynamo;
    private final Map<String, LocalFunction> routes = new LinkedHashMap<>();
    /** Routes answered by API Gateway itself (MOCK integrations): no function runs. */
    private final java.util.Set<String> mockRoutes = new java.util.HashSet<>();
    /** The $connect REQUEST authorizer, run before $connect exactly as API Gateway runs it. */
    private Optional<LocalFunction> connectAuthorizer = Optional.empty();
    private List<String> authorizerSources = List.of();
    private final Map<String, GatewayConnection> connections = new ConcurrentHashMap<>();
    /**
     * Lambda runs as many environments as there are concurrent events, up to the account's
     * concurrency; on one small machine that many threads only thrash, so invocations beyond this
     * many wait their turn (API Gateway would throttle them instead).
     */
    private static final int MAX_CONCURRENT_INVOCATIONS = 32;
    private final ExecutorService invocations = Executors.newFixedThreadPool(MAX_CONCURRENT_INVOCATIONS, daemon("lambda"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("gateway-timer"));
    private final SecureRandom random = new SecureRandom();
    private final Consumer<String> log;
    /** What a developer must see even with --quiet: frames the gateway could not deliver. */
    private final Consumer<String> warn = line -> System.err.println(CLOCK.format(LocalTime.now()) + "  " + line);
    private final Server server;
    private final RouteEvents events;
    private final String selectionField;
    private volatile boolean dropDisconnectEvents;
    private final Chaos chaos;
    private final LocalQueues queues;
    private final java.util.Set<String> doomed = ConcurrentHashMap.newKeySet();
    private final GatewayMeter meter = new GatewayMeter();
    private final Map<String, Map<String, String>> functionEnvironments = new ConcurrentHashMap<>();

    private LocalGateway(GatewayOptions options, SamTemplate template, DynamoDbLocal dynamo, Server server) {
        this.options = options;
        this.template = template;
        this.dynamo = dynamo;
        this.server = server;
        this.log = options.verbose()
                ? line -> System.out.println(CLOCK.format(LocalTime.now()) + "  " + line)
                : line -> { };
        String expression = template.routeSelectionExpression();
        this.selectionField = expression.startsWith("$request.body.") ? expression.substring("$request.body.".length()) : null;
        this.events = new RouteEvents(SamTemplate.LOCAL_API_ID, template.stageName(), "localhost");
        this.chaos = new Chaos(options.chaos());
        this.queues = new LocalQueues(timers, invocations, log, meter);
        if (options.chaos().throttleRate() > 0) {
            ThrottlingInjector.use(chaos);
        }
    }

    /** Reads the template, starts DynamoDB Local with its tables, wires the routes, and listens. */
    public static LocalGateway start(GatewayOptions options) throws Exception {
        // Lambda runs one event per environment on URLConnection; here dozens of environments share
        // two cores, and the pooled Apache client costs a third less CPU per DynamoDB call.
        String httpService = SdkSystemSetting.SYNC_HTTP_SERVICE_IMPL.property();
        if (System.getProperty(httpService) == null) {
            System.setProperty(httpService, ApacheSdkHttpService.class.getName());
        }
        SamTemplate template = SamTemplate.load(options.template(), options.parameterOverrides());
        DynamoDbLocal dynamo = DynamoDbLocal.start(options.dataDir());
        try {
            dynamo.createTables(template.tables());
            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("gateway");
            threads.setDaemon(true);
            Server server = new Server(threads);
            LocalGateway gateway = new LocalGateway(options, template, dynamo, server);
            gateway.listen();
            return gateway;
        } catch (Exception e) {
            dynamo.close();
            throw e;
        }
    }

    private void listen() throws Exception {
        List<String> hosts = options.host().map(List::of).orElse(List.of("127.0.0.1", "::1"));
        int port = options.port();
        for (String host : hosts) {
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(host);
            connector.setPort(port);
            server.addConnector(connector);
            try {
                connector.open();
            } catch (java.io.IOException e) {
                if (host.equals("::1") && options.host().isEmpty()) {
                    server.removeConnector(connector); // no IPv6 loopback on this machine
                    continue;
                }
                throw e;
            }
            port = connector.getLocalPort(); // with --port 0, every address shares the first free port
        }
        wireRoutes(port);
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxFrameSize(MAX_FRAME);
            container.setAutoFragment(false); // else Jetty splits big frames instead of refusing them
            container.setMaxTextMessageSize(MAX_MESSAGE);
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.setIdleTimeout(options.idleTimeout());
            container.addMapping("/*", this::upgrade);
        });
        upgrade.setHandler(new HttpRoutes());
        server.setHandler(upgrade);
        server.start();
        log.accept("routes: " + String.join(", ", routes.keySet().stream()
                .map(key -> key + " -> " + routes.get(key).name()).toList())
                + (mockRoutes.isEmpty() ? "" : ", " + String.join(", ", mockRoutes) + " -> MOCK"));
    }

    /** Each route's (and queue's) function gets the template's variables plus what points its SDK clients here. */
    private void wireRoutes(int port) {
        Map<String, LocalFunction> byFunction = new LinkedHashMap<>();
        java.util.function.Function<String, LocalFunction> function = functionId -> byFunction.computeIfAbsent(functionId, id -> {
                SamTemplate.FunctionSpec spec = template.functions().get(id);
                Map<String, String> env = new LinkedHashMap<>(spec.environment());
                env.put("AWS_REGION", SamTemplate.REGION);
                env.put("AWS_ACCESS_KEY_ID", DynamoDbLocal.ACCESS_KEY);
                env.put("AWS_SECRET_ACCESS_KEY", DynamoDbLocal.SECRET_KEY);
                env.put("AWS_LAMBDA_FUNCTION_NAME", id);
                env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
                env.put(FunctionConfig.DYNAMODB_ENDPOINT, dynamo.endpoint().toString());
                env.put(FunctionConfig.MANAGEMENT_ENDPOINT, "http://127.0.0.1:" + port + "/" + template.stageName());
                env.put(FunctionConfig.SQS_ENDPOINT, "http://127.0.0.1:" + port + LocalQueues.PATH);
                env.put(FunctionConfig.SSM_ENDPOINT, "http://127.0.0.1:" + port + LocalParameters.PATH);
                if (!options.metrics()) {
                    env.put(FunctionConfig.EMIT_METRICS, "false"); // the gateway's own log says enough locally
                }
                functionEnvironments.put(id, Map.copyOf(env));
                return new LocalFunction(spec, env, log, chaos::crash, meter);
            });
        template.routes().forEach((key, route) -> {
            if (key.equals("$connect") && route.authorizer().isPresent()) {
                connectAuthorizer = Optional.of(function.apply(route.authorizer().get().functionId()));
                authorizerSources = route.authorizer().get().identitySources();
            }
            if (route.functionId().isEmpty()) {
                mockRoutes.add(key);
            } else {
                routes.put(key, function.apply(route.functionId().get()));
            }
        });
        template.queueSubscriptions().forEach(s -> queues.subscribe(s, function.apply(s.functionId())));
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The URL a Godot client connects to. */
    public URI url() {
        return URI.create("ws://localhost:" + port());
    }

    public URI stageUrl() {
        return URI.create("ws://localhost:" + port() + "/" + template.stageName());
    }

    public SamTemplate template() {
        return template;
    }

    public DynamoDbLocal dynamo() {
        return dynamo;
    }

    /**
     * Injected fault: closes no longer trigger {@code $disconnect}, as when API Gateway's best-effort
     * event is lost. The service must then find gone peers through 410 answers and TTLs.
     */
    public void dropDisconnectEvents(boolean drop) {
        this.dropDisconnectEvents = drop;
    }

    /** The environment a function's handlers get here (the template's plus the local endpoints). */
    public Map<String, String> functionEnvironment(String functionId) {
        return functionEnvironments.get(functionId);
    }

    /** What the gateway has done so far (messages, invocations, API calls), for cost measurements. */
    public GatewayMeter meter() {
        return meter;
    }

    /** Ids of the open connections, oldest first. */
    public List<String> connectionIds() {
        return connections.values().stream().filter(GatewayConnection::isOpen)
                .sorted(java.util.Comparator.comparing(c -> c.connectedAt)).map(c -> c.id).toList();
    }

    /**
     * Injected fault on one connection: the next @connections POST to it finds it dead (the socket
     * is dropped without a close handshake) and answers 410.
     */
    public void goneOnNextPost(String connectionId) {
        doomed.add(connectionId);
    }

    /** Connections currently open (for tests and the status page). */
    /** Whether {@code /godot/} can run the Godot example (the engine package is installed). */
    public boolean godotEngineInstalled() {
        return options.webRoot().map(web -> new GodotWebFiles(web.resolveSibling("godot")).engineInstalled()).orElse(false);
    }

    public int openConnections() {
        return (int) connections.values().stream().filter(GatewayConnection::isOpen).count();
    }

    // ------------------------------------------------------------------ WebSocket side

    private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String stagePath = "/" + template.stageName();
        if (!(path.equals("/") || path.equals(stagePath) || path.equals(stagePath + "/"))) {
            Response.writeError(request, response, callback, 404, "connect at / or " + stagePath);
            return null;
        }
        String sourceIp = Request.getRemoteAddr(request);
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        GatewayConnection connection = new GatewayConnection(newConnectionId(), Instant.now(), sourceIp, userAgent);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
        }
        Map<String, List<String>> query = query(request.getHttpURI().getQuery());
        Optional<ObjectNode> authorizerContext = Optional.empty();
        if (connectAuthorizer.isPresent()) {
            for (String source : authorizerSources) {
                if (!identitySourcePresent(source, headers, query)) {
                    log.accept("$connect    " + connection.id + " refused: no " + source + " (401, authorizer not invoked)");
                    Response.writeError(request, response, callback, 401, "Unauthorized");
                    return null;
                }
            }
            LocalFunction authorizer = connectAuthorizer.get();
            LocalFunction.Result result = authorizer.invoke(events.authorizer(connection, headers, query));
            boolean allowed = result.ok() && result.response().path("policyDocument").path("Statement").findValuesAsText("Effect")
                    .stream().anyMatch("Allow"::equals);
            log.accept("authorizer  " + connection.id + " -> " + authorizer.name() + (allowed ? " Allow" : " Deny")
                    + " (" + result.millis() + " ms)");
            if (!allowed) {
                Response.writeError(request, response, callback, result.ok() ? 403 : 500, "Forbidden");
                return null;
            }
            ObjectNode context = result.response().path("context").isObject()
                    ? ((ObjectNode) result.response().get("context")).deepCopy() : JSON.createObjectNode();
            context.put("principalId", result.response().path("principalId").asText());
            authorizerContext = Optional.of(context);
        }
        LocalFunction connect = routes.get("$connect");
        if (connect != null) {
            ObjectNode event = events.connect(connection, headers, query, authorizerContext);
            LocalFunction.Result result = connect.invoke(event);
            log.accept("$connect    " + connection.id + " -> " + connect.name() + " " + result.statusCode()
                    + " (" + result.millis() + " ms)");
            if (!result.ok() || result.statusCode() < 200 || result.statusCode() > 299) {
                int status = result.ok() && result.statusCode() >= 400 && result.statusCode() <= 599 ? result.statusCode() : 500;
                Response.writeError(request, response, callback, status, "connection refused by $connect");
                return null;
            }
        }
        connections.put(connection.id, connection);
        timers.schedule(() -> connection.close(StatusCode.SHUTDOWN, "Connection duration exceeded"),
                options.maxConnectionDuration().toMillis(), TimeUnit.MILLISECONDS);
        return new Endpoint(this, connection);
    }

    /** Jetty calls the endpoint through public method handles, so it is a public class. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private final LocalGateway gateway;
        private final GatewayConnection connection;

        Endpoint(LocalGateway gateway, GatewayConnection connection) {
            this.gateway = gateway;
            this.connection = connection;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            connection.opened(session);
        }

        @Override
        public void onWebSocketText(String message) {
            connection.touched();
            gateway.meter.framesIn.increment();
            gateway.invokeLater(() -> gateway.dispatch(connection, message, false));
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            connection.touched();
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            callback.succeed();
            gateway.invokeLater(() -> gateway.dispatch(connection, Base64.getEncoder().encodeToString(bytes), true));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            gateway.disconnected(connection, statusCode, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            gateway.disconnected(connection, StatusCode.ABNORMAL, String.valueOf(cause.getMessage()));
        }
    }

    /** Hands a frame to Lambda: at once, or after a chaos delay that reorders a connection's frames. */
    private void invokeLater(Runnable invocation) {
        long delay = chaos.delayMillis();
        if (delay == 0) {
            invocations.execute(invocation);
        } else {
            timers.schedule(() -> invocations.execute(invocation), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Picks the route as API Gateway does: the selection expression's value if a route has it, else $default. */
    private void dispatch(GatewayConnection connection, String body, boolean base64) {
        String routeKey = "$default";
        if (!base64 && selectionField != null) {
            try {
                JsonNode node = JSON.readTree(body);
                for (String part : selectionField.split("\\.")) {
                    node = node == null ? null : node.get(part);
                }
                if (node != null && node.isTextual() && !node.asText().startsWith("$")
                        && (routes.containsKey(node.asText()) || mockRoutes.contains(node.asText()))) {
                    routeKey = node.asText();
                }
            } catch (Exception notJson) {
                // Not JSON: $default.
            }
        }
        if (mockRoutes.contains(routeKey)) {
            return; // answered by the MOCK integration; no route response is configured, so nothing is sent
        }
        LocalFunction function = routes.get(routeKey);
        if (function == null) {
            sendGatewayError("Forbidden", connection);
            return;
        }
        LocalFunction.Result result = function.invoke(events.message(connection, routeKey, body, base64));
        log.accept(String.format("%-11s %s -> %s %d (%d ms)", routeKey, connection.id, function.name(),
                result.statusCode(), result.millis()));
        if (!result.ok()) {
            sendGatewayError("Internal server error", connection);
        }
    }

    private void disconnected(GatewayConnection connection, int statusCode, String reason) {
        if (!connection.markDisconnected()) {
            return;
        }
        connections.remove(connection.id);
        LocalFunction disconnect = routes.get("$disconnect");
        if (disconnect == null || dropDisconnectEvents || chaos.dropDisconnect()) {
            return;
        }
        invocations.execute(() -> {
            LocalFunction.Result result = disconnect.invoke(events.disconnect(connection, statusCode, reason));
            log.accept("$disconnect " + connection.id + " -> " + disconnect.name() + " " + result.statusCode()
                    + " (" + result.millis() + " ms, close " + statusCode + ")");
        });
    }

    private void sendGatewayError(String message, GatewayConnection connection) {
        try {
            connection.send(gatewayError(message, connection));
        } catch (java.io.IOException e) {
            warn.accept("could not tell " + connection.id + " '" + message + "': " + e.getMessage());
        }
    }

    private static byte[] gatewayError(String message, GatewayConnection connection) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        body.put("connectionId", connection.id);
        body.put("requestId", Long.toHexString(System.nanoTime()));
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An authorizer identity source such as route.request.querystring.token or route.request.header.Auth. */
    private static boolean identitySourcePresent(String source, Map<String, List<String>> headers, Map<String, List<String>> query) {
        String queryPrefix = "route.request.querystring.";
        String headerPrefix = "route.request.header.";
        if (source.startsWith(queryPrefix)) {
            List<String> values = query.get(source.substring(queryPrefix.length()));
            return values != null && values.stream().anyMatch(v -> !v.isEmpty());
        }
        if (source.startsWith(headerPrefix)) {
            String name = source.substring(headerPrefix.length());
            return headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
        }
        return true;
    }

    /** Ids shaped like API Gateway's: 16 characters ending in '=' (so SDK URL-encoding is exercised). */
    private String newConnectionId() {
        byte[] bytes = new byte[11];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('+', 'A').replace('/', 'B');
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    // ------------------------------------------------------------------ HTTP side

    private final class HttpRoutes extends Handler.Abstract {
        private final ManagementApi management = new ManagementApi(connections, log, warn,
                id -> doomed.remove(id) || chaos.gone(), meter);
        private final LocalParameters parameters = new LocalParameters(options.secrets());
        private final Optional<StaticFiles> web = options.webRoot()
                .filter(java.nio.file.Files::isDirectory)
                .map(StaticFiles::new);
        /** The Godot project next to the web client, running in the real engine under /godot/. */
        private final Optional<GodotWebFiles> godot = options.webRoot()
                .map(web -> web.resolveSibling("godot"))
                .filter(java.nio.file.Files::isDirectory)
                .map(GodotWebFiles::new);

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getPath();
            if (path.startsWith(LocalParameters.PATH) && request.getMethod().equals("POST")) {
                answer(request, response, callback, parameters::handle, "application/x-amz-json-1.1");
                return true;
            }
            if (path.startsWith(LocalQueues.PATH) && request.getMethod().equals("POST")) {
                answer(request, response, callback, queues::handle, "application/x-amz-json-1.0");
                return true;
            }
            if (path.contains(ManagementApi.PATH)) {
                management.handle(request, response, callback, path);
                return true;
            }
            if (request.getMethod().equals("GET") && godot.isPresent() && godot.get().handle(path, response, callback)) {
                return true;
            }
            if (request.getMethod().equals("GET") && web.isPresent()) {
                Optional<java.nio.file.Path> file = web.get().resolve(path);
                if (file.isPresent()) {
                    StaticFiles.serve(file.get(), response, callback);
                    return true;
                }
            }
            if ((path.equals("/") || path.equals("/status")) && request.getMethod().equals("GET")) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                Content.Sink.write(response, true, "Godot WebRTC signaling (local gateway)\n"
                        + "WebSocket: " + url() + "  or  " + stageUrl() + "\n"
                        + "Open connections: " + openConnections() + "\n", callback);
                return true;
            }
            Response.writeError(request, response, callback, 404);
            return true;
        }
    }

    /** An emulated AWS JSON-protocol API (SQS, SSM): the target header and body in, status and JSON out. */
    private static void answer(Request request, Response response, Callback callback,
                               java.util.function.BiFunction<String, String, JsonAnswer> api, String contentType)
            throws java.io.IOException {
        JsonAnswer answer = api.apply(request.getHeaders().get("X-Amz-Target"),
                Content.Source.asString(request, StandardCharsets.UTF_8));
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        Content.Sink.write(response, true, answer.body(), callback);
    }

    @Override
    public void close() {
        try {
            for (GatewayConnection connection : connections.values()) {
                connection.close(StatusCode.SHUTDOWN, "Gateway shutting down");
            }
            server.stop();
        } catch (Exception e) {
            log.accept("gateway did not stop cleanly: " + e);
        }
        invocations.shutdown();
        try {
            invocations.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        if (options.chaos().throttleRate() > 0) {
            ThrottlingInjector.use(null);
        }
        dynamo.close();
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
