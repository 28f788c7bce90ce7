package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The timer function: consumes the timer queue (an SQS event source) and fires each timer. A timer
 * that fails is reported as a batch item failure, so SQS redelivers only that one.
 */
public final class TimerHandler implements RequestStreamHandler, Primeable {
    private static final System.Logger LOG = System.getLogger(TimerHandler.class.getName());

    /** Lambda's SQS event ("Records", "eventSourceARN") into the library's typed classes. */
    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true)
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .build();

    private final SignalingRuntime runtime;

    public TimerHandler() {
        this(System.getenv());
    }

    public TimerHandler(Map<String, String> env) {
        this.runtime = new SignalingRuntime(env, PrimingPlan.TIMER);
    }

    @Override
    public void prime() {
        runtime.prime();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
            throws IOException {
        SQSEvent event = JSON.readValue(input, SQSEvent.class);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message :
                event.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : event.getRecords()) {
            String messageId = message.getMessageId();
            Optional<SqsTimers.Scheduled> scheduled = SqsTimers.decode(message.getBody());
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
                failures.add(new SQSBatchResponse.BatchItemFailure(messageId));
                status = 500;
            }
            runtime.emit(report, status);
        }
        JSON.writeValue(output, new SQSBatchResponse(failures));
    }
}
