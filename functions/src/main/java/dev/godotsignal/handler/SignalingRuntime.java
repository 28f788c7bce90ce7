package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.protocol.Message;
import dev.godotsignal.protocol.MessageCodec;
import dev.godotsignal.resume.ResumeToken;
import dev.godotsignal.signaling.PeerChannel;
import dev.godotsignal.signaling.SignalingEvents;
import dev.godotsignal.signaling.SignalingService;
import dev.godotsignal.store.DynamoDbSignalingStore;
import dev.godotsignal.store.Items;
import dev.godotsignal.turn.IceServers;
import dev.godotsignal.turn.TurnCredentials;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * What one execution environment builds once: configuration, SDK clients, the store. Per event it
 * hands out a {@link SignalingService} bound to the event's API and stage (a few small objects).
 */
final class SignalingRuntime {
    private final FunctionConfig config;
    private final AwsClients clients;
    private final DynamoDbSignalingStore store;
    private final LobbyNames names;
    private final PeerIds peerIds;
    private final IceServers iceServers;
    private final String functionName;
    private final SecureRandom random;

    /**
     * Posts a fan-out's lanes in parallel (a lobby's size at most): threads start as needed and end
     * after 30 s idle; with all busy, the caller posts the lane itself.
     */
    private final Executor fanOut =
            new ThreadPoolExecutor(
                    0,
                    FAN_OUT_THREADS,
                    30,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    runnable -> {
                        Thread thread = new Thread(runnable, "fan-out");
                        thread.setDaemon(true);
                        return thread;
                    },
                    new ThreadPoolExecutor.CallerRunsPolicy());

    private static final int FAN_OUT_THREADS = 16;

    // Never read, only held: CRaC keeps its resources weakly, and a collected hook never runs.
    @SuppressWarnings("UnusedVariable")
    private final Priming priming;

    private final PrimingPlan primingPlan;

    SignalingRuntime(Map<String, String> env, PrimingPlan primingPlan) {
        this.primingPlan = primingPlan;
        this.config = FunctionConfig.from(env);
        this.functionName = env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local");
        JsonLogFormatter.install();
        this.clients = new AwsClients(config, env);
        this.store = new DynamoDbSignalingStore(clients.dynamo(), config.tables());
        this.random = new SecureRandom();
        this.names = new LobbyNames(random);
        this.peerIds = new PeerIds(random);
        if (!config.turnUrls().isEmpty() && config.turnSecretParameter().isEmpty()) {
            throw new IllegalStateException("TURN_URLS is set but TURN_SECRET_PARAMETER is not");
        }
        // The TURN secret is read from SSM on first use, once per environment; it is never logged.
        this.iceServers =
                new IceServers(
                        config.stunUrls(),
                        config.turnUrls(),
                        () ->
                                new TurnCredentials(
                                        clients.secureParameter(
                                                        config.turnSecretParameter().orElseThrow())
                                                .getBytes(StandardCharsets.UTF_8),
                                        config.turnCredentialTtl()));
        this.priming =
                new Priming(this::prime, () -> random.setSeed(new SecureRandom().generateSeed(32)))
                        .register();
    }

    /**
     * Runs the hot paths once (SnapStart calls it before the snapshot; the cold-start benchmark
     * too): only the AWS calls this function's role allows ({@link PrimingPlan}), each step on its
     * own, a failing one logged and skipped ({@link Priming#attempt}).
     */
    void prime() {
        Priming.attempt(primingPlan.call.name(), () -> call(primingPlan.call));
        Priming.attempt("management client", () -> clients.management("priming", "priming"));
        Priming.attempt("sqs client", clients::sqs);
        Priming.attempt("protocol codec", () -> new MessageCodec().encode(Message.peerConnect(2)));
        Priming.attempt(
                "event json",
                () -> {
                    try {
                        new ObjectMapper()
                                .configure(
                                        com.fasterxml.jackson.databind.DeserializationFeature
                                                .FAIL_ON_UNKNOWN_PROPERTIES,
                                        false)
                                .readValue(
                                        "{\"requestContext\":{\"routeKey\":\"$default\",\"connectionId\":\"x\"},\"body\":\"{}\"}",
                                        APIGatewayV2WebSocketEvent.class);
                    } catch (java.io.IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private void call(PrimingPlan.PrimingCall call) {
        String id = "priming-" + Integer.toHexString(random.nextInt());
        switch (call) {
            case CONNECTION_READ -> store.connection(id, Instant.now());
            case CONNECTION_WRITE_REFUSED -> {
                try {
                    clients.dynamo()
                            .putItem(
                                    b ->
                                            b.tableName(config.tables().connections())
                                                    .item(
                                                            Map.of(
                                                                    Items.CONNECTION_ID,
                                                                    AttributeValue.fromS(id)))
                                                    .conditionExpression("attribute_exists(#id)")
                                                    .expressionAttributeNames(
                                                            Map.of("#id", Items.CONNECTION_ID)));
                } catch (ConditionalCheckFailedException expected) {
                    // the round trip this step is for: nothing was written
                }
            }
        }
    }

    /**
     * No Origin (native clients) is always allowed; a browser's must be on the list when there is
     * one.
     */
    boolean originAllowed(String origin) {
        return origin == null
                || config.allowedOrigins().isEmpty()
                || config.allowedOrigins().contains(origin);
    }

    SignalingService service(
            APIGatewayV2WebSocketEvent.RequestContext context, SignalingEvents events) {
        return service(context.getApiId(), context.getStage(), events);
    }

    SignalingService service(String apiId, String stage, SignalingEvents events) {
        PeerChannel channel = new ApiGatewayPeerChannel(clients.management(apiId, stage), fanOut);
        SqsTimers timers = new SqsTimers(clients.sqs(), config.timerQueueUrl(), apiId, stage);
        return new SignalingService(
                store,
                store,
                store,
                () -> ResumeToken.newSecret(random),
                channel,
                timers,
                config.limits(),
                names,
                peerIds,
                iceServers,
                events,
                Clock.systemUTC());
    }

    /** A report for one invocation; written to stdout (CloudWatch Logs) when metrics are on. */
    InvocationReport report(String route, String connectionId) {
        return new InvocationReport(functionName, route, connectionId);
    }

    void emit(InvocationReport report, int status) {
        if (config.emitMetrics()) {
            report.emit(System.out, status);
        }
    }
}
