package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The timer function: consumes the timer queue (an SQS event source) and fires each timer. A timer
 * that fails is reported as a batch item failure, so SQS redelivers only that one.
 */
public final class TimerHandler implements RequestStreamHandler {
    private static final System.Logger LOG = System.getLogger(TimerHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SignalingRuntime runtime;

    public TimerHandler() {
        this(System.getenv());
    }

    public TimerHandler(Map<String, String> env) {
        this.runtime = new SignalingRuntime(env);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
            throws IOException {
        JsonNode event = JSON.readTree(input);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode failures = response.putArray("batchItemFailures");
        for (JsonNode record : event.path("Records")) {
            String messageId = record.path("messageId").asText();
            Optional<SqsTimers.Scheduled> scheduled =
                    SqsTimers.decode(record.path("body").asText());
            if (scheduled.isEmpty()) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "dropping an unreadable timer message " + messageId);
                continue;
            }
            InvocationReport report =
                    runtime.report(
                            "timer:" + scheduled.get().timer().getClass().getSimpleName(), null);
            int status = 200;
            try {
                runtime.service(scheduled.get().apiId(), scheduled.get().stage(), report)
                        .fire(scheduled.get().timer());
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.ERROR,
                        "timer " + messageId + " failed; SQS will redeliver it",
                        e);
                failures.addObject().put("itemIdentifier", messageId);
                status = 500;
            }
            runtime.emit(report, status);
        }
        JSON.writeValue(output, response);
    }
}
