package dev.godotsignal.signaling;

import dev.godotsignal.lobby.Member;
import dev.godotsignal.protocol.Message;
import dev.godotsignal.protocol.MessageCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The frames of one piece of work, sent through the {@link PeerChannel}: a connection found gone
 * (410) is remembered with the frames it did not get, gets nothing more, and is handed back once
 * when the work is done — to be suspended (its frames kept) or removed; that may itself find more
 * gone connections, which are handed back in turn.
 */
final class Outbox {
    /**
     * Where a member sits, and whether it may resume ({@code extensions}): frames for it can follow
     * it to a resumed connection.
     */
    record Place(String lobby, int peerId, boolean extensions) {}

    /**
     * A connection found gone, or {@code leaving} for good (a close its client asked for, a
     * protocol error), its place when the frames were for a member, and the frames it did not get,
     * in order.
     */
    record Gone(
            String connectionId,
            boolean leaving,
            Optional<Place> place,
            List<Message> undelivered) {}

    private final PeerChannel channel;
    private final MessageCodec codec;
    private final SignalingEvents events;
    private final Map<String, Gone> gone = new LinkedHashMap<>();
    private final Map<String, Boolean> handedBack = new LinkedHashMap<>();

    Outbox(PeerChannel channel, MessageCodec codec, SignalingEvents events) {
        this.channel = channel;
        this.codec = codec;
        this.events = events;
    }

    /** Sends one frame to a connection; false if it is (or was just found) gone. */
    boolean send(String connectionId, Message message) {
        return send(connectionId, Optional.empty(), message);
    }

    /** Sends one frame to a member of {@code lobby}; false if its connection is gone. */
    boolean send(String lobby, Member member, Message message) {
        return send(
                member.connectionId(),
                Optional.of(new Place(lobby, member.peerId(), member.extensions())),
                message);
    }

    private boolean send(String connectionId, Optional<Place> place, Message message) {
        Gone known = gone.get(connectionId);
        if (known != null) {
            known.undelivered().add(message);
            return false;
        }
        List<Message> undelivered = new ArrayList<>(List.of(message));
        if (handedBack.containsKey(connectionId)) {
            // Handed back again at the end, so these frames are kept too (or dropped with it).
            gone.put(connectionId, new Gone(connectionId, false, place, undelivered));
            return false;
        }
        if (channel.send(connectionId, codec.encode(message)) == PeerChannel.Delivery.GONE) {
            foundGone(connectionId, place, undelivered);
            return false;
        }
        return true;
    }

    /** The channel just found a connection gone: it keeps the frames it did not get, in order. */
    private void foundGone(String connectionId, Optional<Place> place, List<Message> undelivered) {
        events.goneCleanedUp();
        gone.put(connectionId, new Gone(connectionId, false, place, undelivered));
    }

    /** A frame and where it goes, for {@link #sendAll}. */
    record Addressed(String connectionId, Optional<Place> place, Message message) {
        static Addressed to(String connectionId, Message message) {
            return new Addressed(connectionId, Optional.empty(), message);
        }

        static Addressed to(String lobby, Member member, Message message) {
            return new Addressed(
                    member.connectionId(),
                    Optional.of(new Place(lobby, member.peerId(), member.extensions())),
                    message);
        }
    }

    /**
     * Several frames at once, as a fan-out: those for one connection in the given order, those for
     * different connections independently (in parallel where the channel can). A connection found
     * gone keeps the frames it did not get, as with {@link #send}.
     */
    void sendAll(List<Addressed> frames) {
        Map<String, List<Addressed>> lanes = new LinkedHashMap<>();
        for (Addressed frame : frames) {
            if (gone.containsKey(frame.connectionId())
                    || handedBack.containsKey(frame.connectionId())) {
                send(frame.connectionId(), frame.place(), frame.message());
            } else {
                lanes.computeIfAbsent(frame.connectionId(), id -> new ArrayList<>()).add(frame);
            }
        }
        if (lanes.isEmpty()) {
            return;
        }
        Map<String, List<String>> encoded = new LinkedHashMap<>();
        lanes.forEach(
                (id, lane) ->
                        encoded.put(
                                id, lane.stream().map(f -> codec.encode(f.message())).toList()));
        Map<String, PeerChannel.LaneOutcome> outcomes = channel.sendLanes(encoded);
        lanes.forEach(
                (id, lane) -> {
                    PeerChannel.LaneOutcome outcome = outcomes.get(id);
                    if (outcome == null || !outcome.gone()) {
                        return;
                    }
                    List<Message> undelivered = new ArrayList<>();
                    lane.subList(outcome.sent(), lane.size())
                            .forEach(f -> undelivered.add(f.message()));
                    foundGone(id, lane.get(outcome.sent()).place(), undelivered);
                });
    }

    /** A connection found gone without a frame of this work to keep: handed back at the end. */
    void dropped(String connectionId) {
        gone.putIfAbsent(
                connectionId, new Gone(connectionId, false, Optional.empty(), new ArrayList<>()));
    }

    /** Whether {@code connectionId} was found gone during this work. */
    boolean isGone(String connectionId) {
        return gone.containsKey(connectionId) || handedBack.containsKey(connectionId);
    }

    /** A connection to hand back at the end, as leaving for good. */
    void leaving(String connectionId) {
        gone.put(connectionId, new Gone(connectionId, true, Optional.empty(), new ArrayList<>()));
    }

    /**
     * Hands every gone connection to {@code lose}, once each, until none is left; {@code lose}
     * sends through this outbox and may find more.
     */
    void cleanUp(Consumer<Gone> lose) {
        while (!gone.isEmpty()) {
            String connectionId = gone.keySet().iterator().next();
            Gone next = gone.remove(connectionId);
            handedBack.put(connectionId, true);
            lose.accept(
                    new Gone(
                            connectionId,
                            next.leaving(),
                            next.place(),
                            List.copyOf(next.undelivered())));
        }
    }
}
