package dev.godotsignal.gateway;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.template.SamTemplate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One function of the template, run the way Lambda runs it: an execution environment (a handler
 * instance) serves one event at a time; concurrent events get more environments, each built once
 * and then reused. Each gets exactly the environment variables the template gives the function.
 */
final class LocalFunction {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What an invocation returned: the handler's response (and its statusCode, if any), or an
     * error.
     */
    record Result(int statusCode, JsonNode response, String error, long millis) {
        boolean ok() {
            return error == null;
        }
    }

    private final SamTemplate.FunctionSpec spec;
    private final ClassLoader handlers;
    private final Map<String, String> environment;
    private final Consumer<String> log;

    /** Asked after each invocation; true means that environment dies (chaos). */
    private final BooleanSupplier crash;

    /** Where the handler class of the environments built so far came from. */
    private volatile Optional<URL> handlerSource = Optional.empty();

    private final ConcurrentLinkedDeque<RequestStreamHandler> idle = new ConcurrentLinkedDeque<>();

    private final GatewayMeter meter;

    /** {@code handlers}: where the handler class comes from (this JVM's, or the artifact's). */
    LocalFunction(
            SamTemplate.FunctionSpec spec,
            ClassLoader handlers,
            Map<String, String> environment,
            Consumer<String> log,
            BooleanSupplier crash,
            GatewayMeter meter) {
        this.meter = meter;
        this.spec = spec;
        this.handlers = handlers;
        this.environment = Map.copyOf(environment);
        this.log = log;
        this.crash = crash;
    }

    String name() {
        return spec.logicalId();
    }

    Optional<URL> handlerSource() {
        return handlerSource;
    }

    Result invoke(JsonNode event) {
        long start = System.nanoTime();
        RequestStreamHandler handler;
        try {
            handler = idle.isEmpty() ? null : idle.poll();
            if (handler == null) {
                handler = newEnvironment();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            log.accept(spec.logicalId() + " INIT failed: " + cause);
            return new Result(502, JSON.nullNode(), "init: " + cause, elapsed(start));
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(
                    new ByteArrayInputStream(JSON.writeValueAsBytes(event)),
                    out,
                    new LocalContext(start));
            long millis = elapsed(start);
            meter.invoked(spec.logicalId(), millis);
            if (millis > spec.timeoutSeconds() * 1000L) {
                log.accept(
                        spec.logicalId()
                                + " took "
                                + millis
                                + " ms, over its "
                                + spec.timeoutSeconds()
                                + " s timeout: Lambda would have stopped it");
            }
            JsonNode response =
                    out.size() == 0 ? JSON.nullNode() : JSON.readTree(out.toByteArray());
            int status = response.path("statusCode").asInt(200);
            return new Result(status, response, null, millis);
        } catch (IOException | RuntimeException e) {
            log.accept(spec.logicalId() + " failed: " + e);
            return new Result(502, JSON.nullNode(), e.toString(), elapsed(start));
        } finally {
            if (crash.getAsBoolean()) {
                log.accept(
                        spec.logicalId()
                                + " environment crashed (chaos): the next event starts a new one");
            } else {
                idle.push(handler);
            }
        }
    }

    private RequestStreamHandler newEnvironment() throws ReflectiveOperationException {
        Class<?> type = Class.forName(spec.handlerClass(), true, handlers);
        handlerSource = Optional.of(type.getProtectionDomain().getCodeSource().getLocation());
        try {
            // Our handlers take their environment as a map, so each function sees only its own
            // variables.
            Constructor<?> withEnv = type.getConstructor(Map.class);
            return (RequestStreamHandler) withEnv.newInstance(environment);
        } catch (NoSuchMethodException e) {
            return (RequestStreamHandler) type.getConstructor().newInstance();
        }
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private final class LocalContext implements Context {
        private final long start;
        private final String requestId = RequestIds.next();

        LocalContext(long start) {
            this.start = start;
        }

        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + spec.logicalId();
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return spec.logicalId();
        }

        @Override
        public String getFunctionVersion() {
            return "live";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:"
                    + SamTemplate.REGION
                    + ":"
                    + SamTemplate.ACCOUNT
                    + ":function:"
                    + spec.logicalId()
                    + ":live";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, spec.timeoutSeconds() * 1000L - elapsed(start));
        }

        @Override
        public int getMemoryLimitInMB() {
            return spec.memoryMb();
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    log.accept(spec.logicalId() + " " + message);
                }

                @Override
                public void log(byte[] message) {
                    log(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
