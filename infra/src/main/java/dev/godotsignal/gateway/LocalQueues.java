package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.template.SamTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The template's SQS queues and their consumer functions, emulated: SendMessage over the SQS JSON
 * protocol (what the SDK speaks), delivery after DelaySeconds as the SQS event Lambda receives,
 * redelivery of failed messages (invocation error or a batch item failure) up to 5 receives.
 */
final class LocalQueues {
    static final String PATH = "/_local/sqs";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RECEIVES = 5;

    private final Map<String, LocalFunction> consumers =
            new ConcurrentHashMap<>(); // queue URL -> function
    private final Map<String, String> arns = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final InvocationPool invocations;
    private final Consumer<String> log;

    private final GatewayMeter meter;

    LocalQueues(
            ScheduledExecutorService timers,
            InvocationPool invocations,
            Consumer<String> log,
            GatewayMeter meter) {
        this.meter = meter;
        this.timers = timers;
        this.invocations = invocations;
        this.log = log;
    }

    void subscribe(SamTemplate.QueueSubscription subscription, LocalFunction function) {
        consumers.put(subscription.queueUrl(), function);
        String name =
                subscription.queueUrl().substring(subscription.queueUrl().lastIndexOf('/') + 1);
        arns.put(
                subscription.queueUrl(),
                "arn:aws:sqs:" + SamTemplate.REGION + ":" + SamTemplate.ACCOUNT + ":" + name);
    }

    /** Answers one SQS API call; returns the status and JSON body. */
    JsonAnswer handle(String target, String body) {
        if (!"AmazonSQS.SendMessage".equals(target)) {
            return error(
                    400,
                    "UnsupportedOperation",
                    "the local gateway emulates SendMessage only, not " + target);
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (Exception e) {
            return error(400, "InvalidParameterValue", "not JSON");
        }
        String queueUrl = request.path("QueueUrl").asText();
        LocalFunction consumer = consumers.get(queueUrl);
        if (consumer == null) {
            return error(
                    400, "AWS.SimpleQueueService.NonExistentQueue", "no such queue: " + queueUrl);
        }
        String messageBody = request.path("MessageBody").asText();
        int delay = request.path("DelaySeconds").asInt(0);
        String messageId = RequestIds.next();
        meter.sqsSent.increment();
        deliverLater(
                queueUrl, consumer, messageId, messageBody, delay, 1, System.currentTimeMillis());
        ObjectNode response = JSON.createObjectNode();
        response.put("MessageId", messageId);
        response.put("MD5OfMessageBody", md5(messageBody));
        return new JsonAnswer(200, response.toString());
    }

    private void deliverLater(
            String queueUrl,
            LocalFunction consumer,
            String messageId,
            String body,
            long delaySeconds,
            int receive,
            long sentAt) {
        var unused =
                timers.schedule(
                        () ->
                                invocations.run(
                                        InvocationPool.Lane.OTHER,
                                        () ->
                                                deliver(
                                                        queueUrl, consumer, messageId, body,
                                                        receive, sentAt)),
                        delaySeconds * 1000,
                        TimeUnit.MILLISECONDS);
    }

    private void deliver(
            String queueUrl,
            LocalFunction consumer,
            String messageId,
            String body,
            int receive,
            long sentAt) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("messageId", messageId);
        record.put("receiptHandle", messageId + "#" + receive);
        record.put("body", body);
        ObjectNode attributes = record.putObject("attributes");
        attributes.put("ApproximateReceiveCount", Integer.toString(receive));
        attributes.put("SentTimestamp", Long.toString(sentAt));
        attributes.put(
                "ApproximateFirstReceiveTimestamp", Long.toString(System.currentTimeMillis()));
        record.putObject("messageAttributes");
        record.put("md5OfBody", md5(body));
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", arns.get(queueUrl));
        record.put("awsRegion", SamTemplate.REGION);
        meter.sqsDelivered.increment();
        LocalFunction.Result result = consumer.invoke(event);
        boolean failed =
                !result.ok()
                        || result.response()
                                .path("batchItemFailures")
                                .findValuesAsText("itemIdentifier")
                                .contains(messageId);
        log.accept(
                WebSocketFrontDoor.logColumn("sqs")
                        + " "
                        + messageId.substring(0, 8)
                        + " -> "
                        + consumer.name()
                        + (failed ? " failed (" : " ok (")
                        + result.millis()
                        + " ms)");
        if (failed) {
            if (receive >= MAX_RECEIVES) {
                log.accept(
                        "sqs message "
                                + messageId
                                + " failed "
                                + receive
                                + " times: moved to the dead-letter queue");
            } else {
                deliverLater(queueUrl, consumer, messageId, body, 1, receive + 1, sentAt);
            }
        }
    }

    private static JsonAnswer error(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", "com.amazonaws.sqs#" + code);
        body.put("message", message);
        return new JsonAnswer(status, body.toString());
    }

    static String md5(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("MD5")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
