package dev.godotsignal.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godotsignal.signaling.PeerChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PostToConnectionRequest;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PostToConnectionResponse;

/** A fan-out's lanes go out in parallel, each in its order, and a gone lane stops alone. */
class ApiGatewayPeerChannelTest {
    private final ExecutorService fanOut = Executors.newCachedThreadPool();

    /**
     * {@code @connections} that takes 100 ms per post (as a slow network would), notes how many
     * posts were in flight at once and in which order each connection got its frames, and answers
     * 410 for one connection.
     */
    private static final class SlowConnections implements ApiGatewayManagementApiClient {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final Map<String, List<String>> received = new LinkedHashMap<>();
        final String gone;

        SlowConnections(String gone) {
            this.gone = gone;
        }

        @Override
        public PostToConnectionResponse postToConnection(PostToConnectionRequest request) {
            int now = inFlight.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            if (request.connectionId().equals(gone)) {
                throw GoneException.builder().message("gone").build();
            }
            synchronized (received) {
                received.computeIfAbsent(request.connectionId(), k -> new java.util.ArrayList<>())
                        .add(request.data().asUtf8String());
            }
            return PostToConnectionResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "execute-api";
        }

        @Override
        public void close() {}
    }

    @AfterEach
    void stop() {
        fanOut.shutdownNow();
    }

    @Test
    void lanesToDifferentConnectionsArePostedAtOnceEachInItsOrder() {
        SlowConnections api = new SlowConnections("none");
        PeerChannel channel = new ApiGatewayPeerChannel(api, fanOut);
        Map<String, List<String>> lanes = new LinkedHashMap<>();
        lanes.put("a", List.of("a1", "a2"));
        lanes.put("b", List.of("b1", "b2"));
        lanes.put("c", List.of("c1", "c2"));

        Map<String, PeerChannel.LaneOutcome> outcomes = channel.sendLanes(lanes);

        assertEquals(3, api.mostAtOnce.get(), "one post per connection in flight at once");
        assertEquals(lanes, api.received);
        outcomes.values().forEach(o -> assertEquals(new PeerChannel.LaneOutcome(2, false), o));
    }

    @Test
    void aGoneConnectionStopsItsOwnLaneOnly() {
        SlowConnections api = new SlowConnections("b");
        PeerChannel channel = new ApiGatewayPeerChannel(api, fanOut);
        Map<String, List<String>> lanes = new LinkedHashMap<>();
        lanes.put("a", List.of("a1", "a2"));
        lanes.put("b", List.of("b1", "b2"));

        Map<String, PeerChannel.LaneOutcome> outcomes = channel.sendLanes(lanes);

        assertEquals(new PeerChannel.LaneOutcome(2, false), outcomes.get("a"));
        assertEquals(new PeerChannel.LaneOutcome(0, true), outcomes.get("b"));
        assertEquals(Map.of("a", List.of("a1", "a2")), api.received);
    }
}
