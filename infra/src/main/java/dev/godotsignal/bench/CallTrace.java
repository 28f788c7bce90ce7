package dev.godotsignal.bench;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records, while on, every SDK call of the JVM (the functions' DynamoDB, {@code @connections} and
 * SQS calls) with when it started and ended, so a measurement can tell the round trips a route
 * waited for one after another from those that overlapped. Registered, like the capacity meter,
 * through the SDK's global interceptor hook on the gateway's classpath only.
 */
public final class CallTrace implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED =
            new ExecutionAttribute<>("CallTraceStarted");
    private static final ConcurrentLinkedQueue<Call> CALLS = new ConcurrentLinkedQueue<>();
    private static volatile boolean on;

    /** One call: {@code service.operation}, from start to end (System.nanoTime). */
    public record Call(String service, String operation, long startNanos, long endNanos) {}

    public static void start() {
        CALLS.clear();
        on = true;
    }

    public static List<Call> stop() {
        on = false;
        return List.copyOf(CALLS);
    }

    /**
     * The longest run of calls each of which started after the one before it ended: how many round
     * trips the work waited for in sequence (calls that overlap count once).
     */
    public static int sequential(List<Call> calls) {
        int chain = 0;
        long lastEnd = Long.MIN_VALUE;
        for (Call call : calls.stream().sorted(Comparator.comparingLong(Call::endNanos)).toList()) {
            if (call.startNanos() >= lastEnd) {
                chain++;
                lastEnd = call.endNanos();
            }
        }
        return chain;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (on) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    @Override
    public void onExecutionFailure(
            Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    private static void record(ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        if (started == null || !on) {
            return;
        }
        CALLS.add(
                new Call(
                        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                        attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                        started,
                        System.nanoTime()));
    }
}
