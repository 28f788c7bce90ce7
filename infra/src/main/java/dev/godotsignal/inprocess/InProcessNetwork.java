package dev.godotsignal.inprocess;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which endpoints of this JVM answer in process, by {@code host:port}. Static because the SDK
 * builds its HTTP client through a no-argument service class (the handlers' own {@code AwsClients}
 * choose it by the SDK's system property), so the client can only find the endpoints here. Every
 * registration is undone when its owner closes.
 */
public final class InProcessNetwork {
    private static final Map<String, LocalEndpoint> ENDPOINTS = new ConcurrentHashMap<>();

    private InProcessNetwork() {}

    /** A registration; closing it sends later requests for that address over the network again. */
    public interface Registration extends AutoCloseable {
        /** Requests handed over in process so far. */
        long calls();

        @Override
        void close();
    }

    public static Registration register(URI address, LocalEndpoint endpoint) {
        String key = key(address);
        LongAdder calls = new LongAdder();
        LocalEndpoint counted =
                request -> {
                    calls.increment();
                    return endpoint.handle(request);
                };
        if (ENDPOINTS.putIfAbsent(key, counted) != null) {
            throw new IllegalStateException("an in-process endpoint already answers " + key);
        }
        return new Registration() {
            @Override
            public long calls() {
                return calls.sum();
            }

            @Override
            public void close() {
                ENDPOINTS.remove(key, counted);
            }
        };
    }

    static Optional<LocalEndpoint> at(URI address) {
        return Optional.ofNullable(ENDPOINTS.get(key(address)));
    }

    private static String key(URI address) {
        String host = address.getHost();
        if (host.equals("localhost")) {
            host = "127.0.0.1"; // one loopback, however a client spells it
        }
        return host + ":" + address.getPort();
    }
}
