package dev.godotsignal.gateway;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the gateway did, counted the way AWS bills it: messages, invocations and their time, API
 * calls.
 */
public final class GatewayMeter {
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final Map<String, LongAdder> connectionsApi = new ConcurrentHashMap<>();
    final LongAdder sqsSent = new LongAdder();
    final LongAdder sqsDelivered = new LongAdder();
    final Map<String, LongAdder> invocations = new ConcurrentHashMap<>();
    final Map<String, LongAdder> handlerMillis = new ConcurrentHashMap<>();

    /** A snapshot, function names sorted. */
    public record Reading(
            long framesIn,
            long framesOut,
            Map<String, Long> connectionsApi,
            long sqsSent,
            long sqsDelivered,
            Map<String, Long> invocations,
            Map<String, Long> handlerMillis) {}

    void invoked(String function, long millis) {
        invocations.computeIfAbsent(function, k -> new LongAdder()).increment();
        handlerMillis.computeIfAbsent(function, k -> new LongAdder()).add(millis);
    }

    void connectionsCall(String method) {
        connectionsApi.computeIfAbsent(method, k -> new LongAdder()).increment();
    }

    public Reading read() {
        return new Reading(
                framesIn.sum(),
                framesOut.sum(),
                sum(connectionsApi),
                sqsSent.sum(),
                sqsDelivered.sum(),
                sum(invocations),
                sum(handlerMillis));
    }

    public void reset() {
        framesIn.reset();
        framesOut.reset();
        sqsSent.reset();
        sqsDelivered.reset();
        connectionsApi.clear();
        invocations.clear();
        handlerMillis.clear();
    }

    private static Map<String, Long> sum(Map<String, LongAdder> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
