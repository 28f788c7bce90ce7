package dev.godotsignal.chaos;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * Injects DynamoDB throttling into every SDK client of the local gateway's JVM — the handlers' real
 * clients included — through the SDK's global interceptor hook ({@code
 * software/amazon/awssdk/global/handlers/execution.interceptors}, on the gateway's classpath only,
 * never in the Lambda artifact). It runs before each attempt is sent, so a throttled attempt never
 * reaches the table, exactly like a real throttle, and the client's retry policy decides what
 * happens next. Each gateway in chaos mode registers its own DynamoDB Local endpoint with its own
 * {@link Chaos}, so gateways in one JVM (tests run several at once) neither share nor switch off
 * each other's faults; calls to any other endpoint pass.
 */
public final class ThrottlingInjector implements ExecutionInterceptor {
    private static final Map<String, Chaos> BY_ENDPOINT = new ConcurrentHashMap<>();

    /** Throttles calls to {@code endpoint} as {@code chaos} draws them. */
    public static void use(URI endpoint, Chaos chaos) {
        BY_ENDPOINT.put(authority(endpoint.getHost(), endpoint.getPort()), chaos);
    }

    /** Calls to {@code endpoint} are no longer throttled. */
    public static void stop(URI endpoint) {
        BY_ENDPOINT.remove(authority(endpoint.getHost(), endpoint.getPort()));
    }

    private static String authority(String host, int port) {
        return host + ":" + port;
    }

    @Override
    public void beforeTransmission(
            Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (BY_ENDPOINT.isEmpty()
                || !"DynamoDb"
                        .equalsIgnoreCase(
                                attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
            return;
        }
        SdkHttpRequest request = context.httpRequest();
        Chaos chaos = BY_ENDPOINT.get(authority(request.host(), request.port()));
        if (chaos != null && chaos.throttle()) {
            throw ProvisionedThroughputExceededException.builder()
                    .statusCode(400)
                    .message("Injected by the local gateway's chaos mode")
                    .awsErrorDetails(
                            AwsErrorDetails.builder()
                                    .errorCode("ProvisionedThroughputExceededException")
                                    .serviceName("DynamoDB")
                                    .errorMessage("Injected by the local gateway's chaos mode")
                                    .build())
                    .build();
        }
    }
}
