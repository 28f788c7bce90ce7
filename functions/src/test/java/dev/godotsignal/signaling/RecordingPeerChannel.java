package dev.godotsignal.signaling;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The way back to clients, recorded: every frame sent per connection, every close. A connection
 * marked gone answers GONE (API Gateway's 410), as a client that vanished without a close does.
 */
public final class RecordingPeerChannel implements PeerChannel {
    private final Map<String, List<String>> sent = new LinkedHashMap<>();
    private final Set<String> closed = new HashSet<>();
    private final Set<String> gone = new HashSet<>();
    private final List<String> order = new ArrayList<>();

    @Override
    public synchronized Delivery send(String connectionId, String frame) {
        if (gone.contains(connectionId) || closed.contains(connectionId)) {
            return Delivery.GONE;
        }
        sent.computeIfAbsent(connectionId, k -> new ArrayList<>()).add(frame);
        order.add(connectionId + " " + frame);
        return Delivery.DELIVERED;
    }

    @Override
    public synchronized boolean exists(String connectionId) {
        return !gone.contains(connectionId) && !closed.contains(connectionId);
    }

    @Override
    public synchronized void close(String connectionId) {
        closed.add(connectionId);
    }

    /** The connection vanished: posts to it answer GONE from now on. */
    public synchronized void vanish(String connectionId) {
        gone.add(connectionId);
    }

    /** Every frame sent to the connection so far, and forgets them. */
    public synchronized List<String> take(String connectionId) {
        List<String> frames = sent.remove(connectionId);
        return frames == null ? List.of() : frames;
    }

    /** Every frame delivered so far, to any connection, in the order sent: "connectionId frame". */
    public synchronized List<String> order() {
        return List.copyOf(order);
    }

    public synchronized boolean isClosed(String connectionId) {
        return closed.contains(connectionId);
    }
}
