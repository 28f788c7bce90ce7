package dev.godotsignal.resume;

import dev.godotsignal.protocol.Message;
import dev.godotsignal.protocol.MessageCodec;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The frames kept for a suspended peer, put in the order a resumed client needs: who joined, then
 * who left meanwhile first (before its JOIN confirmation), then everything else in the order it was
 * kept. A peer that joined and left while it was away is never mentioned, and nothing a departed
 * peer sent is delivered: the client would have no connection to give it to.
 *
 * @param arrivalsAndDepartures PEER_CONNECT and PEER_DISCONNECT frames, in order
 * @param rest the other frames (relays, lobby data), in order
 */
public record KeptFrames(List<Message> arrivalsAndDepartures, List<Message> rest) {

    public KeptFrames {
        arrivalsAndDepartures = List.copyOf(arrivalsAndDepartures);
        rest = List.copyOf(rest);
    }

    public static KeptFrames order(List<String> kept, MessageCodec codec) {
        List<Message> frames = new ArrayList<>();
        for (String raw : kept) {
            decode(raw, codec).ifPresent(frames::add);
        }
        Map<Integer, Boolean> present = new LinkedHashMap<>(); // peer -> connected, in order
        Set<Integer> departed = new HashSet<>();
        for (Message frame : frames) {
            if (frame.type() == MessageType.PEER_CONNECT) {
                present.put(frame.id(), true);
            } else if (frame.type() == MessageType.PEER_DISCONNECT) {
                departed.add(frame.id());
                if (present.remove(frame.id()) == null) {
                    present.put(frame.id(), false); // a peer it knew
                }
            }
        }
        List<Message> arrivalsAndDepartures = new ArrayList<>();
        present.forEach(
                (peer, connected) -> {
                    if (connected) {
                        arrivalsAndDepartures.add(Message.peerConnect(peer));
                    }
                });
        present.forEach(
                (peer, connected) -> {
                    if (!connected) {
                        arrivalsAndDepartures.add(Message.peerDisconnect(peer));
                    }
                });
        List<Message> rest = new ArrayList<>();
        for (Message frame : frames) {
            boolean announcement =
                    frame.type() == MessageType.PEER_CONNECT
                            || frame.type() == MessageType.PEER_DISCONNECT;
            boolean fromDeparted = frame.type().isRelayed() && departed.contains(frame.id());
            if (!announcement && !fromDeparted) {
                rest.add(frame);
            }
        }
        return new KeptFrames(arrivalsAndDepartures, rest);
    }

    /** One kept frame as it was encoded; only our own frames are kept, so all read back. */
    public static Optional<Message> decode(String raw, MessageCodec codec) {
        try {
            MessageCodec.Inbound frame = codec.decode(raw);
            return MessageType.fromCode(frame.type())
                    .map(type -> new Message(type, frame.id(), frame.data()));
        } catch (ProtocolException e) {
            return Optional.empty();
        }
    }
}
