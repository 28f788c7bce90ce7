package dev.godotsignal.gateway;

import dev.godotsignal.chaos.ChaosOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to run the local gateway; every field has the default API Gateway or the demo client expects.
 */
public record GatewayOptions(
        int port,
        Optional<String> host,
        Path template,
        Optional<Path> dataDir,
        Map<String, String> parameterOverrides,
        Duration idleTimeout,
        Duration maxConnectionDuration,
        Optional<Path> webRoot,
        ChaosOptions chaos,
        Map<String, String> secrets,
        boolean metrics,
        boolean verbose,
        boolean inProcess,
        Optional<Path> functionsJar,
        boolean warmUp) {

    public static final int DEFAULT_PORT = 9080;

    public GatewayOptions {
        parameterOverrides = Map.copyOf(parameterOverrides);
        secrets = Map.copyOf(secrets);
    }

    public static GatewayOptions defaults() {
        return builder().build();
    }

    /** Every option at its default (API Gateway's behaviour, the demo client's port). */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public GatewayOptions withPort(int port) {
        return toBuilder().port(port).build();
    }

    public GatewayOptions withParameters(Map<String, String> parameters) {
        return toBuilder().parameters(parameters).build();
    }

    public GatewayOptions withTimeouts(Duration idle, Duration maxConnection) {
        return toBuilder().idleTimeout(idle).maxConnectionDuration(maxConnection).build();
    }

    public GatewayOptions withTemplate(Path template) {
        return toBuilder().template(template).build();
    }

    public GatewayOptions withWebRoot(Optional<Path> webRoot) {
        return toBuilder().webRoot(webRoot).build();
    }

    public GatewayOptions withChaos(ChaosOptions chaos) {
        return toBuilder().chaos(chaos).build();
    }

    /**
     * SSM parameters the local SSM emulation serves (name → value), e.g. the TURN or token secret.
     */
    public GatewayOptions withSecrets(Map<String, String> secrets) {
        return toBuilder().secrets(secrets).build();
    }

    public GatewayOptions quiet() {
        return toBuilder().verbose(false).build();
    }

    /** Builds {@link GatewayOptions}; each setter names one option. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private Optional<String> host = Optional.empty();
        private Path template = Path.of("sam-template.yaml");
        private Optional<Path> dataDir = Optional.empty();
        private Map<String, String> parameters = Map.of();
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration maxConnectionDuration = Duration.ofHours(2);
        private Optional<Path> webRoot = Optional.of(Path.of("clients", "web"));
        private ChaosOptions chaos = ChaosOptions.none();
        private Map<String, String> secrets = Map.of();
        private boolean metrics;
        private boolean verbose = true;
        private boolean inProcess = true;
        private Optional<Path> functionsJar = Optional.empty();
        private boolean warmUp;

        private Builder() {}

        private Builder(GatewayOptions o) {
            port = o.port;
            host = o.host;
            template = o.template;
            dataDir = o.dataDir;
            parameters = o.parameterOverrides;
            idleTimeout = o.idleTimeout;
            maxConnectionDuration = o.maxConnectionDuration;
            webRoot = o.webRoot;
            chaos = o.chaos;
            secrets = o.secrets;
            metrics = o.metrics;
            verbose = o.verbose;
            inProcess = o.inProcess;
            functionsJar = o.functionsJar;
            warmUp = o.warmUp;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder host(Optional<String> host) {
            this.host = host;
            return this;
        }

        public Builder template(Path template) {
            this.template = template;
            return this;
        }

        public Builder dataDir(Optional<Path> dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder parameters(Map<String, String> parameters) {
            this.parameters = parameters;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder maxConnectionDuration(Duration maxConnectionDuration) {
            this.maxConnectionDuration = maxConnectionDuration;
            return this;
        }

        public Builder webRoot(Optional<Path> webRoot) {
            this.webRoot = webRoot;
            return this;
        }

        public Builder chaos(ChaosOptions chaos) {
            this.chaos = chaos;
            return this;
        }

        public Builder secrets(Map<String, String> secrets) {
            this.secrets = secrets;
            return this;
        }

        public Builder metrics(boolean metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder verbose(boolean verbose) {
            this.verbose = verbose;
            return this;
        }

        /**
         * True (the default): the handlers' SDK clients reach DynamoDB Local and the emulated AWS
         * APIs in process; false: over loopback HTTP, every call a real request on a socket.
         */
        public Builder inProcess(boolean inProcess) {
            this.inProcess = inProcess;
            return this;
        }

        /**
         * Empty (the default): the handlers are this JVM's own classes. A jar: each function's
         * handlers are loaded from that deployment artifact in a class loader of their own, which
         * shares nothing with the gateway but the JDK and Lambda's runtime interfaces, as on
         * Lambda. Its SDK clients then reach the local stack over loopback HTTP.
         */
        public Builder functionsJar(Optional<Path> functionsJar) {
            this.functionsJar = functionsJar;
            return this;
        }

        /**
         * Whether {@code ./run-local} runs a few demo sessions through itself before it says it is
         * ready, so the first real session meets compiled code (on for the command line, off for
         * gateways started in code).
         */
        public Builder warmUp(boolean warmUp) {
            this.warmUp = warmUp;
            return this;
        }

        public GatewayOptions build() {
            return new GatewayOptions(
                    port,
                    host,
                    template,
                    dataDir,
                    parameters,
                    idleTimeout,
                    maxConnectionDuration,
                    webRoot,
                    chaos,
                    secrets,
                    metrics,
                    verbose,
                    inProcess && functionsJar.isEmpty(),
                    functionsJar,
                    warmUp);
        }
    }

    static final String USAGE =
            """
            Usage: ./run-local [options]
              --port N                  listen on port N (default 9080; 0 picks a free port)
              --host ADDR               bind to ADDR only (default: loopback, IPv4 and IPv6)
              --data DIR                keep DynamoDB Local's data in DIR (default: in memory)
              --template FILE           the SAM template (default: sam-template.yaml)
              --web DIR                 serve the web client and demo page from DIR (default: clients/web)
              --param Name=Value        override a template parameter (repeatable), e.g. --param MaxPeersPerLobby=8
              --idle-timeout SECONDS    close idle connections (default 600, as API Gateway)
              --max-connection SECONDS  close connections after this long (default 7200, as API Gateway)
              --secret /Name=Value      an SSM parameter the functions may read (repeatable), e.g. the TURN secret
              --quiet                   do not log every route invocation
              --metrics                 print the functions' structured log lines (CloudWatch embedded metric format)
              --no-warm-up              start without the few demo sessions run through the gateway before it is ready
              --http-transport          the functions' SDK clients reach DynamoDB Local and the emulated AWS APIs over
                                        loopback HTTP (default: handed over in process, the same SDK client up to the wire)
              --functions-jar JAR       run the functions from this deployment artifact (functions/target/functions-lambda.jar),
                                        each in a class loader of its own, as Lambda does (implies --http-transport)
            Chaos (faults injected on purpose; decisions drawn from a seed):
              --chaos                   a standard mix: delays, throttling, lost $disconnect, crashes
              --chaos-seed N            seed of every decision (default 1)
              --chaos-delay-ms N        each frame waits 0..N ms before its invocation (reorders a connection's frames)
              --chaos-gone P            share (0..1) of @connections POSTs whose connection dies and answers 410
              --chaos-throttle P        share of the handlers' DynamoDB calls throttled before they run
              --chaos-drop-disconnect P share of closes whose $disconnect never comes
              --chaos-crash P           share of invocations after which the execution environment dies
              --chaos-drop P            share of connections the network drops once (no close handshake, code 1006) at a random moment
              --help                    this text
            """;

    /** Parses command-line flags; throws IllegalArgumentException with a readable message. */
    public static GatewayOptions parse(String[] args) {
        Builder options = builder();
        Map<String, String> params = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        ChaosOptions chaos = ChaosOptions.none();
        boolean warmUp = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> options.port(Integer.parseInt(value(args, ++i, arg)));
                case "--host" -> options.host(Optional.of(value(args, ++i, arg)));
                case "--data" -> options.dataDir(Optional.of(Path.of(value(args, ++i, arg))));
                case "--template" -> options.template(Path.of(value(args, ++i, arg)));
                case "--web" -> options.webRoot(Optional.of(Path.of(value(args, ++i, arg))));
                case "--param" -> {
                    String kv = value(args, ++i, arg);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--param takes Name=Value, got " + kv);
                    }
                    params.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--idle-timeout" ->
                        options.idleTimeout(
                                Duration.ofSeconds(Long.parseLong(value(args, ++i, arg))));
                case "--max-connection" ->
                        options.maxConnectionDuration(
                                Duration.ofSeconds(Long.parseLong(value(args, ++i, arg))));
                case "--quiet" -> options.verbose(false);
                case "--metrics" -> options.metrics(true);
                case "--http-transport" -> options.inProcess(false);
                case "--functions-jar" ->
                        options.functionsJar(Optional.of(Path.of(value(args, ++i, arg))));
                case "--no-warm-up" -> warmUp = false;
                case "--secret" -> {
                    String kv = value(args, ++i, arg);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--secret takes /Name=Value");
                    }
                    secrets.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--chaos" ->
                        chaos = ChaosOptions.standard(chaos.seed() == 0 ? 1 : chaos.seed());
                case "--chaos-seed" ->
                        chaos =
                                new ChaosOptions(
                                        Long.parseLong(value(args, ++i, arg)),
                                        chaos.maxDelay(),
                                        chaos.goneRate(),
                                        chaos.throttleRate(),
                                        chaos.dropDisconnectRate(),
                                        chaos.crashRate(),
                                        chaos.dropRate());
                case "--chaos-delay-ms" ->
                        chaos =
                                new ChaosOptions(
                                        seed(chaos),
                                        Duration.ofMillis(Long.parseLong(value(args, ++i, arg))),
                                        chaos.goneRate(),
                                        chaos.throttleRate(),
                                        chaos.dropDisconnectRate(),
                                        chaos.crashRate(),
                                        chaos.dropRate());
                case "--chaos-gone" ->
                        chaos =
                                new ChaosOptions(
                                        seed(chaos),
                                        chaos.maxDelay(),
                                        rate(value(args, ++i, arg)),
                                        chaos.throttleRate(),
                                        chaos.dropDisconnectRate(),
                                        chaos.crashRate(),
                                        chaos.dropRate());
                case "--chaos-throttle" ->
                        chaos =
                                new ChaosOptions(
                                        seed(chaos),
                                        chaos.maxDelay(),
                                        chaos.goneRate(),
                                        rate(value(args, ++i, arg)),
                                        chaos.dropDisconnectRate(),
                                        chaos.crashRate(),
                                        chaos.dropRate());
                case "--chaos-drop-disconnect" ->
                        chaos =
                                new ChaosOptions(
                                        seed(chaos),
                                        chaos.maxDelay(),
                                        chaos.goneRate(),
                                        chaos.throttleRate(),
                                        rate(value(args, ++i, arg)),
                                        chaos.crashRate(),
                                        chaos.dropRate());
                case "--chaos-crash" ->
                        chaos =
                                new ChaosOptions(
                                        seed(chaos),
                                        chaos.maxDelay(),
                                        chaos.goneRate(),
                                        chaos.throttleRate(),
                                        chaos.dropDisconnectRate(),
                                        rate(value(args, ++i, arg)),
                                        chaos.dropRate());
                case "--chaos-drop" -> chaos = chaos.withDrops(rate(value(args, ++i, arg)));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        // A warm-up under chaos would meet injected faults: a chaos run starts cold.
        GatewayOptions parsed =
                options.parameters(params)
                        .secrets(secrets)
                        .chaos(chaos)
                        .warmUp(warmUp && !chaos.active())
                        .build();
        if (parsed.port() < 0 || parsed.port() > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535");
        }
        return parsed;
    }

    private static long seed(ChaosOptions chaos) {
        return chaos.seed() == 0 ? 1 : chaos.seed();
    }

    private static double rate(String text) {
        double rate = Double.parseDouble(text);
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("a chaos rate is between 0 and 1, got " + text);
        }
        return rate;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
