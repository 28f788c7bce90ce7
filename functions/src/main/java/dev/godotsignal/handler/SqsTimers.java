package dev.godotsignal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.signaling.Timer;
import dev.godotsignal.signaling.Timers;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Timers as SQS messages with a delivery delay (up to 15 minutes), consumed by the timer function.
 * Each carries the API id and stage it belongs to, so the timer function reaches the same
 * {@code @connections} endpoint as the invocation that set it.
 */
final class SqsTimers implements Timers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;
    private final String apiId;
    private final String stage;

    SqsTimers(SqsClient sqs, String queueUrl, String apiId, String stage) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.apiId = apiId;
        this.stage = stage;
    }

    @Override
    public void schedule(Timer timer, Duration delay) {
        String body = encode(timer, apiId, stage);
        int seconds = (int) Math.min(900, Math.max(0, delay.toSeconds()));
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).delaySeconds(seconds));
    }

    /** A timer message as the timer function receives it. */
    record Scheduled(Timer timer, String apiId, String stage) {}

    static String encode(Timer timer, String apiId, String stage) {
        ObjectNode node = JSON.createObjectNode();
        if (timer instanceof Timer.SealClose sealClose) {
            node.put("timer", "seal-close").put("lobby", sealClose.lobby());
        } else if (timer instanceof Timer.ConnectionCheck check) {
            node.put("timer", "connection-check").put("connectionId", check.connectionId());
        } else if (timer instanceof Timer.JoinGrace grace) {
            node.put("timer", "join-grace").put("connectionId", grace.connectionId());
        } else if (timer instanceof Timer.ResumeExpiry expiry) {
            node.put("timer", "resume-expiry").put("connectionId", expiry.connectionId());
        } else if (timer instanceof Timer.ResumeGreeting greeting) {
            node.put("timer", "resume-greeting")
                    .put("connectionId", greeting.connectionId())
                    .put("received", greeting.received());
        }
        node.put("apiId", apiId).put("stage", stage);
        return node.toString();
    }

    static Optional<Scheduled> decode(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            Timer timer =
                    switch (node.path("timer").asText()) {
                        case "seal-close" -> new Timer.SealClose(node.path("lobby").asText());
                        case "connection-check" ->
                                new Timer.ConnectionCheck(node.path("connectionId").asText());
                        case "join-grace" ->
                                new Timer.JoinGrace(node.path("connectionId").asText());
                        case "resume-expiry" ->
                                new Timer.ResumeExpiry(node.path("connectionId").asText());
                        case "resume-greeting" ->
                                new Timer.ResumeGreeting(
                                        node.path("connectionId").asText(),
                                        node.path("received").asLong());
                        default -> null;
                    };
            return timer == null
                    ? Optional.empty()
                    : Optional.of(
                            new Scheduled(
                                    timer,
                                    node.path("apiId").asText(),
                                    node.path("stage").asText()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
