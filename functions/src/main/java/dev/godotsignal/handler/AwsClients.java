package dev.godotsignal.handler;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpService;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients of one execution environment, built once and reused by every invocation. One HTTP
 * client (URLConnection, the lightest) serves both. Credentials come from the same variables Lambda
 * sets, read from the function's environment map (none, and no signing, where the local gateway
 * answers the calls in process).
 */
final class AwsClients {
    /**
     * Throttled (and other retryable) calls are retried with exponential backoff and full jitter,
     * up to 8 attempts; the circuit breaker is off so a burst of throttles cannot turn retries off
     * for the whole environment. One call, retries included, stays within a few seconds, well
     * inside every function's timeout.
     */
    static final RetryStrategy RETRIES =
            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(8)
                    .backoffStrategy(
                            BackoffStrategy.exponentialDelay(
                                    Duration.ofMillis(20), Duration.ofMillis(800)))
                    .throttlingBackoffStrategy(
                            BackoffStrategy.exponentialDelay(
                                    Duration.ofMillis(50), Duration.ofSeconds(1)))
                    .circuitBreakerEnabled(false)
                    .build();

    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(6);

    private final FunctionConfig config;
    private final SdkHttpClient http = httpClient();

    /**
     * The one thread that times the clients' calls out: the SDK would start a pool of up to five
     * per client, fifteen idle threads per environment (over a thousand in a local gateway running
     * a hundred environments).
     */
    private final ScheduledExecutorService timeouts =
            Executors.newSingleThreadScheduledExecutor(
                    runnable -> {
                        Thread thread = new Thread(runnable, "sdk-timeouts");
                        thread.setDaemon(true);
                        return thread;
                    });

    private final AwsCredentialsProvider credentials;
    private final DynamoDbClient dynamo;
    private volatile SqsClient sqs;
    private final Map<URI, ApiGatewayManagementApiClient> management = new ConcurrentHashMap<>();

    AwsClients(FunctionConfig config, Map<String, String> env) {
        this.config = config;
        this.credentials = credentials(env);
        this.dynamo = configure(DynamoDbClient.builder(), config.dynamoDbEndpoint()).build();
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    /** A SecureString parameter's value (decrypted); read once at start-up, never logged. */
    String secureParameter(String name) {
        return new SecureParameters(
                        http,
                        credentials,
                        config.region(),
                        config.ssmEndpoint()
                                .orElseGet(() -> SecureParameters.endpointOf(config.region())))
                .value(name);
    }

    /** Built on first use: only the invocations that set timers need it. */
    SqsClient sqs() {
        SqsClient client = sqs;
        if (client == null) {
            synchronized (this) {
                if (sqs == null) {
                    sqs = configure(SqsClient.builder(), config.sqsEndpoint()).build();
                }
                client = sqs;
            }
        }
        return client;
    }

    /** The management client for this API and stage (one per endpoint, normally exactly one). */
    ApiGatewayManagementApiClient management(String apiId, String stage) {
        return management.computeIfAbsent(
                config.managementEndpoint(apiId, stage),
                endpoint ->
                        configure(ApiGatewayManagementApiClient.builder(), Optional.of(endpoint))
                                .build());
    }

    /**
     * URLConnection, the lightest to load: right for Lambda, where one environment makes one call
     * at a time and cold start counts. A host running many environments in one busy JVM (the local
     * gateway) names a faster implementation with the SDK's own property.
     */
    private static SdkHttpClient httpClient() {
        String service = System.getProperty(SdkSystemSetting.SYNC_HTTP_SERVICE_IMPL.property());
        if (service == null) {
            return UrlConnectionHttpClient.builder().build();
        }
        try {
            return Class.forName(service)
                    .asSubclass(SdkHttpService.class)
                    .getConstructor()
                    .newInstance()
                    .createHttpClientBuilder()
                    .build();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    SdkSystemSetting.SYNC_HTTP_SERVICE_IMPL.property()
                            + " names no usable HTTP client: "
                            + service,
                    e);
        }
    }

    /**
     * Every client alike: the one HTTP client, the region, the credentials, the retry policy, an
     * endpoint override.
     */
    private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(
            B builder, Optional<URI> endpoint) {
        builder.httpClient(http)
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(
                        o ->
                                o.retryStrategy(RETRIES)
                                        .apiCallTimeout(API_CALL_TIMEOUT)
                                        .scheduledExecutorService(timeouts));
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env) {
        if ("false".equalsIgnoreCase(env.get(FunctionConfig.SIGN_AWS_REQUESTS))) {
            return AnonymousCredentialsProvider.create(); // the SDK's signer skips these
        }
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key == null || secret == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(
                token == null
                        ? AwsBasicCredentials.create(key, secret)
                        : AwsSessionCredentials.create(key, secret, token));
    }
}
