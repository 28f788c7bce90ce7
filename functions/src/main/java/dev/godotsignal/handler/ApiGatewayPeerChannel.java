package dev.godotsignal.handler;

import dev.godotsignal.signaling.PeerChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** {@link PeerChannel} over API Gateway's {@code @connections} management API. */
final class ApiGatewayPeerChannel implements PeerChannel {
    private static final System.Logger LOG =
            System.getLogger(ApiGatewayPeerChannel.class.getName());

    private final ApiGatewayManagementApiClient client;
    private final Executor fanOut;

    /** {@code fanOut} posts the lanes of a fan-out beyond the first, which the caller posts. */
    ApiGatewayPeerChannel(ApiGatewayManagementApiClient client, Executor fanOut) {
        this.client = client;
        this.fanOut = fanOut;
    }

    /**
     * The lanes in parallel: a join, leave or seal in a lobby of N waits for about one post, not N.
     * The SDK client and its HTTP client are safe to share between threads.
     */
    @Override
    public Map<String, LaneOutcome> sendLanes(Map<String, List<String>> lanes) {
        if (lanes.size() < 2) {
            return PeerChannel.super.sendLanes(lanes);
        }
        Map<String, CompletableFuture<LaneOutcome>> running = new LinkedHashMap<>();
        Map.Entry<String, List<String>> first = null;
        for (Map.Entry<String, List<String>> lane : lanes.entrySet()) {
            if (first == null) {
                first = lane;
                continue;
            }
            running.put(
                    lane.getKey(),
                    CompletableFuture.supplyAsync(
                            () -> sendLane(lane.getKey(), lane.getValue()), fanOut));
        }
        Map<String, LaneOutcome> outcomes = new LinkedHashMap<>();
        outcomes.put(first.getKey(), sendLane(first.getKey(), first.getValue()));
        running.forEach(
                (connectionId, outcome) -> {
                    try {
                        outcomes.put(connectionId, outcome.join());
                    } catch (CompletionException e) {
                        if (e.getCause() instanceof RuntimeException cause) {
                            throw cause;
                        }
                        throw e;
                    }
                });
        return outcomes;
    }

    @Override
    public Delivery send(String connectionId, String frame) {
        try {
            client.postToConnection(
                    b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(frame)));
            return Delivery.DELIVERED;
        } catch (GoneException e) {
            return Delivery.GONE;
        } catch (SdkException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "post to {0} failed: {1}",
                    connectionId,
                    e.getMessage());
            return Delivery.FAILED;
        }
    }

    @Override
    public boolean exists(String connectionId) {
        try {
            client.getConnection(b -> b.connectionId(connectionId));
            return true;
        } catch (GoneException e) {
            return false;
        }
    }

    @Override
    public void close(String connectionId) {
        try {
            client.deleteConnection(b -> b.connectionId(connectionId));
        } catch (GoneException e) {
            // Already closed: that is what we wanted.
        } catch (SdkException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "close of {0} failed: {1}",
                    connectionId,
                    e.getMessage());
        }
    }
}
