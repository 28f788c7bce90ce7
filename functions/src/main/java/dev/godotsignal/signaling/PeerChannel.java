package dev.godotsignal.signaling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The way back to clients: API Gateway's {@code @connections} API in production and locally. */
public interface PeerChannel {

    /**
     * GONE: the connection no longer exists (410). FAILED: another error, already logged; the peer
     * stays.
     */
    enum Delivery {
        DELIVERED,
        GONE,
        FAILED
    }

    /** Sends one text frame. */
    Delivery send(String connectionId, String frame);

    /**
     * How one connection's frames of {@link #sendLanes} ended: how many went out before it was
     * found gone ({@code gone}), or all of them.
     */
    record LaneOutcome(int sent, boolean gone) {}

    /**
     * Frames for several connections: each connection's in order, stopping at its first GONE, and
     * different connections independent of each other, so an implementation may post them in
     * parallel (a fan-out then waits for one round trip, not one per peer). This one sends them one
     * after another.
     */
    default Map<String, LaneOutcome> sendLanes(Map<String, List<String>> lanes) {
        Map<String, LaneOutcome> outcomes = new LinkedHashMap<>();
        lanes.forEach(
                (connectionId, frames) ->
                        outcomes.put(connectionId, sendLane(connectionId, frames)));
        return outcomes;
    }

    /** One connection's frames, in order, until it is found gone. */
    default LaneOutcome sendLane(String connectionId, List<String> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (send(connectionId, frames.get(i)) == Delivery.GONE) {
                return new LaneOutcome(i, true);
            }
        }
        return new LaneOutcome(frames.size(), false);
    }

    /** Whether the connection still exists (a GET that does not answer 410). */
    boolean exists(String connectionId);

    /**
     * Closes the connection (API Gateway cannot send a close code or reason). Closing a gone
     * connection is a no-op.
     */
    void close(String connectionId);
}
