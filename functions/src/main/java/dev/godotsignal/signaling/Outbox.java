package dev.godotsignal.signaling;

import dev.godotsignal.protocol.Message;
import dev.godotsignal.protocol.MessageCodec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * The frames of one piece of work, sent through the {@link PeerChannel}: a connection found gone
 * (410) is remembered, gets nothing more, and is cleaned up once when the work is done — cleaning
 * up may itself find more gone connections, which are cleaned up in turn.
 */
final class Outbox {
    private final PeerChannel channel;
    private final MessageCodec codec;
    private final SignalingEvents events;
    private final Deque<String> gone = new ArrayDeque<>();

    Outbox(PeerChannel channel, MessageCodec codec, SignalingEvents events) {
        this.channel = channel;
        this.codec = codec;
        this.events = events;
    }

    /** Sends one frame; false if the connection is (or was just found) gone. */
    boolean send(String connectionId, Message message) {
        if (gone.contains(connectionId)) {
            return false;
        }
        if (channel.send(connectionId, codec.encode(message)) == PeerChannel.Delivery.GONE) {
            events.goneCleanedUp();
            gone.add(connectionId);
            return false;
        }
        return true;
    }

    /** A connection to clean up at the end, as if it had been found gone. */
    void leaving(String connectionId) {
        gone.add(connectionId);
    }

    /**
     * Hands every gone connection to {@code leave}, once each, until none is left; {@code leave}
     * sends through this outbox and may find more.
     */
    void cleanUp(Consumer<String> leave) {
        while (!gone.isEmpty()) {
            leave.accept(gone.poll());
        }
    }
}
