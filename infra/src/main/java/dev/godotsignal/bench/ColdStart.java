package dev.godotsignal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.gateway.GatewayOptions;
import dev.godotsignal.gateway.LocalGateway;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./cold-start}: for each function, a fresh JVM with only the deployment artifact on its
 * classpath constructs the handler (INIT) and handles its first and second events against DynamoDB
 * Local and the local {@code @connections} API — without and with the SnapStart priming hook run
 * first. Prints a table; a benchmark, not a test (timings depend on the machine).
 */
public final class ColdStart {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ColdStart() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("functions/target/functions-lambda.jar");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        try (LocalGateway gateway =
                LocalGateway.start(GatewayOptions.defaults().withPort(0).quiet())) {
            System.out.printf("Deployment artifact: %s, %.1f MB%n%n", jar, Files.size(jar) / 1e6);
            System.out.println(
                    "Milliseconds, median of "
                            + runs
                            + " fresh JVMs (java "
                            + System.getProperty("java.version")
                            + "):");
            System.out.printf(
                    "%-20s %-8s %10s %10s %10s %12s %12s%n",
                    "function", "priming", "JVM→main", "INIT", "priming", "1st event", "2nd event");
            String connectEvent =
                    "{\"requestContext\":{\"routeKey\":\"$connect\",\"eventType\":\"CONNECT\",\"connectionId\":\"cold-"
                            + "FUNCTION\",\"apiId\":\"local\",\"stage\":\"prod\"},\"isBase64Encoded\":false}";
            String messageEvent =
                    "{\"requestContext\":{\"routeKey\":\"$default\",\"eventType\":\"MESSAGE\",\"connectionId\":\"cold-msg\","
                            + "\"apiId\":\"local\",\"stage\":\"prod\"},\"body\":\"{\\\"type\\\":0,\\\"id\\\":0,\\\"data\\\":\\\"\\\"}\",\"isBase64Encoded\":false}";
            for (String function :
                    List.of("ConnectFunction", "MessageFunction", "DisconnectFunction")) {
                String handler = gateway.template().functions().get(function).handlerClass();
                String event =
                        function.equals("MessageFunction")
                                ? messageEvent
                                : connectEvent
                                        .replace("FUNCTION", function)
                                        .replace(
                                                "$connect",
                                                function.equals("DisconnectFunction")
                                                        ? "$disconnect"
                                                        : "$connect");
                for (boolean prime : new boolean[] {false, true}) {
                    List<JsonNode> samples = new ArrayList<>();
                    for (int i = 0; i < runs; i++) {
                        samples.add(
                                probe(
                                        jar,
                                        handler,
                                        prime,
                                        event,
                                        gateway.functionEnvironment(function)));
                    }
                    System.out.printf(
                            "%-20s %-8s %10.0f %10.0f %10.0f %12.0f %12.1f%n",
                            function,
                            prime ? "yes" : "no",
                            median(samples, "jvmToMain"),
                            median(samples, "init"),
                            median(samples, "priming"),
                            median(samples, "firstEvent"),
                            median(samples, "secondEvent"));
                }
            }
        }
    }

    static JsonNode probe(
            Path jar, String handler, boolean prime, String event, Map<String, String> env)
            throws Exception {
        String classpath =
                jar.toAbsolutePath()
                        + File.pathSeparator
                        + Path.of("infra/target/classes").toAbsolutePath();
        ProcessBuilder builder =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+TieredCompilation",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        classpath,
                        ColdStartProbe.class.getName(),
                        handler,
                        Boolean.toString(prime),
                        event);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        String last =
                output.lines()
                        .filter(l -> l.startsWith("{\"jvmToMain\""))
                        .reduce((a, b) -> b)
                        .orElseThrow(() -> new IllegalStateException("probe failed: " + output));
        return JSON.readTree(last);
    }

    static double median(List<JsonNode> samples, String field) {
        return samples.stream()
                .mapToDouble(s -> s.get(field).asDouble())
                .sorted()
                .toArray()[samples.size() / 2];
    }
}
