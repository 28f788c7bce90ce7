package dev.godotsignal.gateway;

import dev.godotsignal.chaos.Chaos;
import dev.godotsignal.chaos.ThrottlingInjector;
import dev.godotsignal.handler.FunctionConfig;
import dev.godotsignal.inprocess.InProcessHttpService;
import dev.godotsignal.inprocess.InProcessNetwork;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.localdb.DynamoDbLocal;
import dev.godotsignal.template.SamTemplate;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import software.amazon.awssdk.core.SdkSystemSetting;

/**
 * A local stand-in for API Gateway's WebSocket API, driven by {@code sam-template.yaml}: it accepts
 * WebSocket connections at {@code /} and {@code /<stage>}, invokes the template's handler classes
 * with the event JSON API Gateway sends, and serves the {@code @connections} management API the
 * handlers call back through their real SDK clients. DynamoDB Local runs in the same process.
 *
 * <p>Like API Gateway: frames of one connection are handed to Lambda concurrently (no ordering),
 * frames over 32 KB and messages over 128 KB close the connection with 1009, idle connections close
 * after 10 minutes and every connection after 2 hours, a non-2xx {@code $connect} refuses the
 * handshake, and {@code $disconnect} follows every close.
 */
public final class LocalGateway implements AutoCloseable {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /**
     * Lambda runs as many environments as there are concurrent events, up to the account's
     * concurrency; on one small machine that many threads only thrash, so invocations beyond this
     * many wait their turn (API Gateway would throttle them instead), JOINs and MATCHes first (see
     * {@link InvocationPool}). A handler never waits for another invocation, and with the
     * in-process transport its DynamoDB Local work runs on its own thread: more threads than a few
     * per core only contend for the cores and DynamoDB Local's lock (32 → 8 took the messages
     * relayed per second here from 90 to 196 at 25 × 4 sessions, from 172 to 228 at 100 × 4).
     */
    private static final int MAX_CONCURRENT_INVOCATIONS = 8;

    private final GatewayOptions options;
    private final SamTemplate template;
    private final DynamoDbLocal dynamo;
    private final Server server;
    private final Map<String, GatewayConnection> connections = new ConcurrentHashMap<>();
    private final InvocationPool invocations =
            new InvocationPool(MAX_CONCURRENT_INVOCATIONS, daemon("lambda"));
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(daemon("gateway-timer"));
    private final Consumer<String> log;

    private final Chaos chaos;
    private final LocalQueues queues;
    private final Set<String> doomed = ConcurrentHashMap.newKeySet();
    private final GatewayMeter meter = new GatewayMeter();
    private final Map<String, Map<String, String>> functionEnvironments = new ConcurrentHashMap<>();
    private final Map<String, LocalFunction> functions = new ConcurrentHashMap<>();
    private volatile boolean dropDisconnectEvents;
    private volatile boolean muted;
    private RouteTable routes;
    private HttpApi httpApi;
    private final List<InProcessNetwork.Registration> inProcess = new ArrayList<>();

    private LocalGateway(
            GatewayOptions options, SamTemplate template, DynamoDbLocal dynamo, Server server) {
        this.options = options;
        this.template = template;
        this.dynamo = dynamo;
        this.server = server;
        this.log =
                options.verbose()
                        ? line -> {
                            if (!muted) {
                                System.out.println(
                                        CLOCK.format(LocalTime.now(ZoneId.systemDefault()))
                                                + "  "
                                                + line);
                            }
                        }
                        : line -> {};
        this.chaos = new Chaos(options.chaos());
        this.queues = new LocalQueues(timers, invocations, log, meter);
        if (options.chaos().throttleRate() > 0) {
            ThrottlingInjector.use(dynamo.endpoint(), chaos);
        }
    }

    /** Reads the template, starts DynamoDB Local with its tables, wires the routes, and listens. */
    public static LocalGateway start(GatewayOptions options) throws Exception {
        // Lambda runs one event per environment on URLConnection; here dozens of environments share
        // two cores: calls to this JVM's own endpoints skip the socket, others use pooled Apache.
        String httpService = SdkSystemSetting.SYNC_HTTP_SERVICE_IMPL.property();
        if (options.functionsJar().isEmpty()) {
            if (System.getProperty(httpService) == null) {
                System.setProperty(httpService, InProcessHttpService.class.getName());
            }
        } else if (InProcessHttpService.class.getName().equals(System.getProperty(httpService))) {
            // The artifact's SDK cannot load this JVM's transport: it must pick its own, as on
            // Lambda.
            throw new IllegalStateException(
                    "--functions-jar needs a JVM where no gateway with the in-process transport"
                            + " ran before");
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
            } catch (IOException e) {
                if (host.equals("::1") && options.host().isEmpty()) {
                    server.removeConnector(connector); // no IPv6 loopback on this machine
                    continue;
                }
                throw e;
            }
            port = connector.getLocalPort(); // with --port 0, every address shares the first free
            // port
        }
        wireRoutes(port);
        WebSocketFrontDoor door =
                new WebSocketFrontDoor(
                        template.stageName(),
                        routes,
                        new RouteEvents(
                                SamTemplate.LOCAL_API_ID, template.stageName(), "localhost"),
                        connections,
                        invocations,
                        timers,
                        chaos,
                        meter,
                        log,
                        LocalGateway::warn,
                        options.maxConnectionDuration(),
                        () -> dropDisconnectEvents);
        WebSocketUpgradeHandler upgrade =
                WebSocketUpgradeHandler.from(
                        server,
                        container -> {
                            container.setMaxFrameSize(Limits.API_GATEWAY_MAX_FRAME_BYTES);
                            container.setAutoFragment(
                                    false); // else Jetty splits big frames instead of refusing them
                            container.setMaxTextMessageSize(Limits.API_GATEWAY_MAX_MESSAGE_BYTES);
                            container.setMaxBinaryMessageSize(Limits.API_GATEWAY_MAX_MESSAGE_BYTES);
                            container.setIdleTimeout(options.idleTimeout());
                            container.addMapping("/*", door::upgrade);
                        });
        ManagementApi management =
                new ManagementApi(
                        connections,
                        log,
                        LocalGateway::warn,
                        id -> doomed.remove(id) || chaos.gone(),
                        meter);
        HttpRoutes httpRoutes =
                new HttpRoutes(
                        new LocalParameters(options.secrets()),
                        queues,
                        management,
                        httpApi,
                        options.webRoot(),
                        () ->
                                "Godot WebRTC signaling (local gateway)\n"
                                        + "WebSocket: "
                                        + url()
                                        + "  or  "
                                        + stageUrl()
                                        + "\n"
                                        + "Open connections: "
                                        + openConnections()
                                        + "\n");
        upgrade.setHandler(httpRoutes);
        server.setHandler(upgrade);
        if (options.inProcess()) {
            inProcess.add(
                    InProcessNetwork.register(
                            URI.create("http://127.0.0.1:" + port), httpRoutes::answerInProcess));
            inProcess.add(dynamo.serveInProcess());
        }
        server.start();
        log.accept("routes: " + routes.describe());
        log.accept("HTTP API: " + String.join(", ", httpApi.describe()));
    }

    /**
     * Each route's (and queue's) function gets the template's variables plus what points its SDK
     * clients here.
     */
    private void wireRoutes(int port) {
        Function<String, LocalFunction> function =
                functionId ->
                        functions.computeIfAbsent(
                                functionId,
                                id -> {
                                    SamTemplate.FunctionSpec spec = template.functions().get(id);
                                    Map<String, String> env =
                                            new LinkedHashMap<>(spec.environment());
                                    env.put("AWS_REGION", SamTemplate.REGION);
                                    env.put("AWS_ACCESS_KEY_ID", DynamoDbLocal.ACCESS_KEY);
                                    env.put("AWS_SECRET_ACCESS_KEY", DynamoDbLocal.SECRET_KEY);
                                    if (options.inProcess()) {
                                        // Nothing in process checks a signature.
                                        env.put(FunctionConfig.SIGN_AWS_REQUESTS, "false");
                                    }
                                    env.put("AWS_LAMBDA_FUNCTION_NAME", id);
                                    env.put(
                                            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                                            Integer.toString(spec.memoryMb()));
                                    env.put(
                                            FunctionConfig.DYNAMODB_ENDPOINT,
                                            dynamo.endpoint().toString());
                                    env.put(
                                            FunctionConfig.MANAGEMENT_ENDPOINT,
                                            "http://127.0.0.1:"
                                                    + port
                                                    + "/"
                                                    + template.stageName());
                                    env.put(
                                            FunctionConfig.SQS_ENDPOINT,
                                            "http://127.0.0.1:" + port + LocalQueues.PATH);
                                    env.put(
                                            FunctionConfig.SSM_ENDPOINT,
                                            "http://127.0.0.1:" + port + LocalParameters.PATH);
                                    if (!options.metrics()) {
                                        env.put(
                                                FunctionConfig.EMIT_METRICS,
                                                "false"); // the gateway's own log says enough
                                        // locally
                                    }
                                    functionEnvironments.put(id, Map.copyOf(env));
                                    ClassLoader handlers =
                                            options.functionsJar()
                                                    .<ClassLoader>map(
                                                            jar -> new ArtifactClassLoader(id, jar))
                                                    .orElse(LocalGateway.class.getClassLoader());
                                    return new LocalFunction(
                                            spec, handlers, env, log, chaos::crash, meter);
                                });
        routes = new RouteTable(template, function);
        httpApi = new HttpApi(log);
        template.httpRoutes().forEach(r -> httpApi.add(r, function.apply(r.functionId())));
        template.queueSubscriptions()
                .forEach(s -> queues.subscribe(s, function.apply(s.functionId())));
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The lobby list ({@code GET}), the local stand-in for the stack's {@code LobbiesUrl}. */
    public URI lobbiesUrl() {
        return URI.create("http://localhost:" + port() + "/lobbies");
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

    /** The faults this gateway injects (none unless started in chaos mode). */
    public Chaos chaos() {
        return chaos;
    }

    public DynamoDbLocal dynamo() {
        return dynamo;
    }

    /**
     * Injected fault: closes no longer trigger {@code $disconnect}, as when API Gateway's
     * best-effort event is lost. The service must then find gone peers through 410 answers and
     * TTLs.
     */
    public void dropDisconnectEvents(boolean drop) {
        this.dropDisconnectEvents = drop;
    }

    /**
     * Where the handler class of a function's execution environments was loaded from (empty before
     * its first invocation): this JVM's classes, or the deployment artifact with {@code
     * --functions-jar}.
     */
    public Optional<URL> handlerSource(String functionId) {
        LocalFunction function = functions.get(functionId);
        return function == null ? Optional.empty() : function.handlerSource();
    }

    /** The environment a function's handlers get here (the template's plus the local endpoints). */
    public Map<String, String> functionEnvironment(String functionId) {
        return functionEnvironments.get(functionId);
    }

    /**
     * What the gateway has done so far (messages, invocations, API calls), for cost measurements.
     */
    public GatewayMeter meter() {
        return meter;
    }

    /** Ids of the open connections, oldest first. */
    public List<String> connectionIds() {
        return connections.values().stream()
                .filter(GatewayConnection::isOpen)
                .sorted(Comparator.comparing(c -> c.connectedAt))
                .map(c -> c.id)
                .toList();
    }

    /**
     * Injected fault on one connection: the next @connections POST to it finds it dead (the socket
     * is dropped without a close handshake) and answers 410.
     */
    public void goneOnNextPost(String connectionId) {
        doomed.add(connectionId);
    }

    /**
     * Injected fault: the network drops the connection now, without a close handshake (the client
     * sees 1006, {@code $disconnect} carries 1006), as a phone switching networks would.
     */
    public void dropConnection(String connectionId) {
        GatewayConnection connection = connections.get(connectionId);
        if (connection != null) {
            connection.abort();
        }
    }

    /** Whether {@code /godot/} can run the Godot example (the engine package is installed). */
    public boolean godotEngineInstalled() {
        return HttpRoutes.godotProject(options.webRoot())
                .map(GodotWebFiles::new)
                .map(GodotWebFiles::engineInstalled)
                .orElse(false);
    }

    /**
     * SDK calls of the functions answered in process so far (0 with {@code --http-transport}: every
     * call went over a socket).
     */
    public long inProcessCalls() {
        return inProcess.stream().mapToLong(InProcessNetwork.Registration::calls).sum();
    }

    /** Runs {@code work} with the per-invocation log silenced (the start-up warm-up). */
    public void quietly(Runnable work) {
        muted = true;
        try {
            work.run();
        } finally {
            muted = false;
        }
    }

    /** Connections currently open (for tests and the status page). */
    public int openConnections() {
        return (int) connections.values().stream().filter(GatewayConnection::isOpen).count();
    }

    @Override
    public void close() {
        // The stack is going down with its timer queue: no $disconnect of a socket closing now
        // could complete its work any more (resuming needs the queue), so none is run.
        dropDisconnectEvents = true;
        // A normal closure: the stack is going away for good, so clients should not resume.
        for (GatewayConnection connection : connections.values()) {
            connection.close(StatusCode.NORMAL, "Gateway shutting down");
        }
        // Work already running finishes while the queue and @connections still answer.
        invocations.shutdown();
        try {
            invocations.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inProcess.forEach(InProcessNetwork.Registration::close);
        try {
            server.stop();
        } catch (Exception e) {
            log.accept("gateway did not stop cleanly: " + e);
        }
        timers.shutdownNow();
        if (options.chaos().throttleRate() > 0) {
            ThrottlingInjector.stop(dynamo.endpoint());
        }
        dynamo.close();
    }

    /** What a developer must see even with --quiet: frames the gateway could not deliver. */
    private static void warn(String line) {
        System.err.println(CLOCK.format(LocalTime.now(ZoneId.systemDefault())) + "  " + line);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
