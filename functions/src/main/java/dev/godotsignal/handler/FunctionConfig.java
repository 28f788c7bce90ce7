package dev.godotsignal.handler;

import dev.godotsignal.lobby.Limits;
import dev.godotsignal.store.TableNames;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a function reads from its environment, as the template sets it. Read from a map so the
 * local gateway can hand each function exactly the variables the template gives it.
 */
public record FunctionConfig(
        TableNames tables,
        Limits limits,
        String region,
        Optional<URI> dynamoDbEndpoint,
        Optional<URI> managementEndpoint,
        String timerQueueUrl,
        Optional<URI> sqsEndpoint,
        List<String> stunUrls,
        List<String> turnUrls,
        Optional<String> turnSecretParameter,
        Duration turnCredentialTtl,
        Optional<URI> ssmEndpoint,
        Optional<String> authSecretParameter,
        List<String> allowedOrigins,
        boolean emitMetrics) {

    public static final String CONNECTIONS_TABLE = "CONNECTIONS_TABLE";
    public static final String LOBBIES_TABLE = "LOBBIES_TABLE";
    public static final String MAX_PEERS_PER_LOBBY = "MAX_PEERS_PER_LOBBY";
    public static final String MAX_LOBBIES = "MAX_LOBBIES";
    public static final String MAX_MESSAGE_BYTES = "MAX_MESSAGE_BYTES";
    public static final String SEAL_CLOSE_DELAY_SECONDS = "SEAL_CLOSE_DELAY_SECONDS";
    public static final String JOIN_DEADLINE_SECONDS = "JOIN_DEADLINE_SECONDS";
    public static final String LIVENESS_CHECK_SECONDS = "LIVENESS_CHECK_SECONDS";
    public static final String MESSAGES_PER_SECOND = "MESSAGES_PER_SECOND";
    public static final String MESSAGE_BURST = "MESSAGE_BURST";

    /** The SQS queue that carries timers (seal close, join deadline, liveness checks). */
    public static final String TIMER_QUEUE_URL = "TIMER_QUEUE_URL";

    /** The AWS SDK's own name for an SQS endpoint override (the local gateway's emulation). */
    public static final String SQS_ENDPOINT = "AWS_ENDPOINT_URL_SQS";

    /** The AWS SDK's own name for an SSM endpoint override (the local gateway's emulation). */
    public static final String SSM_ENDPOINT = "AWS_ENDPOINT_URL_SSM";

    public static final String STUN_URLS = "STUN_URLS";

    /** Comma-separated TURN URLs; when set, peers get time-limited TURN credentials after ID. */
    public static final String TURN_URLS = "TURN_URLS";

    /** Name of the SSM SecureString parameter holding coturn's static-auth-secret. */
    public static final String TURN_SECRET_PARAMETER = "TURN_SECRET_PARAMETER";

    /** Seconds a dropped extension peer may resume in; 0 turns resuming off. */
    public static final String RESUME_GRACE_SECONDS = "RESUME_GRACE_SECONDS";

    public static final String TURN_CREDENTIAL_TTL_SECONDS = "TURN_CREDENTIAL_TTL_SECONDS";

    /**
     * Name of the SSM SecureString parameter holding the token secret (the authorizer reads it).
     */
    public static final String AUTH_SECRET_PARAMETER = "AUTH_SECRET_PARAMETER";

    /**
     * Comma-separated browser origins allowed to connect; empty allows any (native clients send
     * none).
     */
    public static final String ALLOWED_ORIGINS = "ALLOWED_ORIGINS";

    /**
     * "false": the SDK clients sign nothing. Only the local gateway sets it, for the calls it
     * answers in process: DynamoDB Local and its emulated APIs check no signature, and SigV4 was a
     * tenth of its CPU under load. On AWS every call is signed.
     */
    public static final String SIGN_AWS_REQUESTS = "SIGN_AWS_REQUESTS";

    /** "true": one structured log line per invocation in CloudWatch's embedded metric format. */
    public static final String EMIT_METRICS = "EMIT_METRICS";

    /**
     * Optional: where {@code @connections} lives; by default built from apiId, region and stage.
     */
    public static final String MANAGEMENT_ENDPOINT = "MANAGEMENT_ENDPOINT";

    /** The AWS SDK's own name for a DynamoDB endpoint override (DynamoDB Local). */
    public static final String DYNAMODB_ENDPOINT = "AWS_ENDPOINT_URL_DYNAMODB";

    public static FunctionConfig from(Map<String, String> env) {
        Limits defaults = Limits.defaults();
        Limits limits =
                new Limits(
                        intOr(env, MAX_PEERS_PER_LOBBY, defaults.maxPeersPerLobby()),
                        intOr(env, MAX_LOBBIES, defaults.maxLobbies()),
                        intOr(env, MAX_MESSAGE_BYTES, defaults.maxMessageBytes()),
                        Duration.ofSeconds(
                                intOr(
                                        env,
                                        SEAL_CLOSE_DELAY_SECONDS,
                                        (int) defaults.sealCloseDelay().toSeconds())),
                        Duration.ofSeconds(
                                intOr(
                                        env,
                                        JOIN_DEADLINE_SECONDS,
                                        (int) defaults.joinDeadline().toSeconds())),
                        Duration.ofSeconds(
                                intOr(
                                        env,
                                        LIVENESS_CHECK_SECONDS,
                                        (int) defaults.livenessInterval().toSeconds())),
                        intOr(env, MESSAGES_PER_SECOND, defaults.messagesPerSecond()),
                        intOr(env, MESSAGE_BURST, defaults.messageBurst()),
                        Duration.ofSeconds(
                                intOr(
                                        env,
                                        RESUME_GRACE_SECONDS,
                                        (int) defaults.resumeGrace().toSeconds())));
        return new FunctionConfig(
                new TableNames(required(env, CONNECTIONS_TABLE), required(env, LOBBIES_TABLE)),
                limits,
                env.getOrDefault("AWS_REGION", "us-east-1"),
                optionalUri(env, DYNAMODB_ENDPOINT),
                optionalUri(env, MANAGEMENT_ENDPOINT),
                required(env, TIMER_QUEUE_URL),
                optionalUri(env, SQS_ENDPOINT),
                list(env, STUN_URLS),
                list(env, TURN_URLS),
                Optional.ofNullable(env.get(TURN_SECRET_PARAMETER)).filter(v -> !v.isBlank()),
                Duration.ofSeconds(intOr(env, TURN_CREDENTIAL_TTL_SECONDS, 3600)),
                optionalUri(env, SSM_ENDPOINT),
                Optional.ofNullable(env.get(AUTH_SECRET_PARAMETER)).filter(v -> !v.isBlank()),
                list(env, ALLOWED_ORIGINS),
                !"false".equalsIgnoreCase(env.getOrDefault(EMIT_METRICS, "true")));
    }

    /**
     * The {@code @connections} endpoint: configured, or {@code
     * https://{apiId}.execute-api.{region}.amazonaws.com/{stage}}.
     */
    public URI managementEndpoint(String apiId, String stage) {
        return managementEndpoint.orElseGet(
                () ->
                        URI.create(
                                "https://"
                                        + apiId
                                        + ".execute-api."
                                        + region
                                        + ".amazonaws.com/"
                                        + stage));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    private static int intOr(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "environment variable " + name + " is not an integer: " + value);
        }
    }

    private static List<String> list(Map<String, String> env, String name) {
        String value = env.getOrDefault(name, "");
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static Optional<URI> optionalUri(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank()
                ? Optional.empty()
                : Optional.of(URI.create(value.trim()));
    }
}
