package dev.godotsignal.chaos;

import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * Injects DynamoDB throttling into every SDK client of the local gateway's JVM — the handlers' real
 * clients included — through the SDK's global interceptor hook ({@code
 * software/amazon/awssdk/global/handlers/execution.interceptors}, on the gateway's classpath only,
 * never in the Lambda artifact). It runs before each attempt is sent, so a throttled attempt never
 * reaches the table, exactly like a real throttle, and the client's retry policy decides what
 * happens next. Inactive unless chaos is on.
 */
public final class ThrottlingInjector implements ExecutionInterceptor {
    private static volatile Chaos chaos;
    private static final AtomicLong INJECTED = new AtomicLong();

    /** How many throttles were injected since the JVM started. */
    public static long injected() {
        return INJECTED.get();
    }

    /** Turns injection on (a chaos with a throttle rate) or off (null). */
    public static void use(Chaos active) {
        chaos = active;
    }

    @Override
    public void beforeTransmission(
            Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Chaos current = chaos;
        if (current == null
                || !"DynamoDb"
                        .equalsIgnoreCase(
                                attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
            return;
        }
        if (current.throttle()) {
            INJECTED.incrementAndGet();
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
