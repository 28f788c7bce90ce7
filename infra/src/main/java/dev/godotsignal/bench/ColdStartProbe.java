package dev.godotsignal.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Runs in a fresh JVM with only the deployment artifact on the classpath: constructs one handler
 * (as Lambda's INIT does), optionally runs the SnapStart priming hook, then handles two events.
 * Prints one JSON line of phase timings in milliseconds.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        String handlerClass = args[0];
        boolean prime = Boolean.parseBoolean(args[1]);
        String event = args[2];
        long t0 = System.nanoTime();
        Class<?> type = Class.forName(handlerClass);
        Object handler = type.getConstructor(Map.class).newInstance(System.getenv());
        long t1 = System.nanoTime();
        if (prime) {
            // What the SnapStart hook (CRaC beforeCheckpoint) runs before the snapshot.
            ((dev.godotsignal.handler.Primeable) handler).prime();
        }
        long t2 = System.nanoTime();
        invoke(handler, event);
        long t3 = System.nanoTime();
        invoke(handler, event);
        long t4 = System.nanoTime();
        System.out.printf(
                "{\"jvmToMain\":%d,\"init\":%.1f,\"priming\":%.1f,\"firstEvent\":%.1f,\"secondEvent\":%.1f}%n",
                mainAt - jvmStart,
                (t1 - t0) / 1e6,
                (t2 - t1) / 1e6,
                (t3 - t2) / 1e6,
                (t4 - t3) / 1e6);
        System.exit(0);
    }

    private static void invoke(Object handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((com.amazonaws.services.lambda.runtime.RequestStreamHandler) handler)
                .handleRequest(
                        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                        out,
                        null);
    }
}
