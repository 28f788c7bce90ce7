package dev.godotsignal.signaling;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.JoinRefusal;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.lobby.LobbyRules;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.lobby.Reservation;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.Message;
import dev.godotsignal.protocol.MessageCodec;
import dev.godotsignal.protocol.ProtocolException;
import dev.godotsignal.turn.IceServers;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Entering a lobby: JOIN with an empty name creates one (its host gets ID 1, then JOIN); with a
 * name, an id is reserved and sent as ID before the join commits, then the peer is admitted and
 * introduced to the earlier peers it is linked to, and they to it. The store refuses in its own
 * terms; the client is told in the demo server's words.
 */
final class LobbyEntry {
    private final SignalingStore store;
    private final PeerChannel channel;
    private final Limits limits;
    private final LobbyNames names;
    private final PeerIds peerIds;
    private final IceServers iceServers;
    private final SignalingEvents events;
    private final Clock clock;
    private final Supplier<Outbox> outboxes;
    private final Consumer<Outbox> finish;

    /**
     * @param outboxes a fresh outbox per piece of work
     * @param finish removes and announces what an outbox found gone
     */
    LobbyEntry(
            SignalingStore store,
            PeerChannel channel,
            Limits limits,
            LobbyNames names,
            PeerIds peerIds,
            IceServers iceServers,
            SignalingEvents events,
            Clock clock,
            Supplier<Outbox> outboxes,
            Consumer<Outbox> finish) {
        this.store = store;
        this.channel = channel;
        this.limits = limits;
        this.names = names;
        this.peerIds = peerIds;
        this.iceServers = iceServers;
        this.events = events;
        this.clock = clock;
        this.outboxes = outboxes;
        this.finish = finish;
    }

    void join(Connection joiner, MessageCodec.Inbound message) throws ProtocolException {
        if (joiner.membership().isPresent()) {
            throw new ProtocolException(ErrorReason.ALREADY_IN_LOBBY);
        }
        String lobbyName = message.data();
        if (joiner.allowedLobby().isPresent() && !joiner.allowedLobby().get().equals(lobbyName)) {
            throw new ProtocolException(ErrorReason.LOBBY_NOT_ALLOWED);
        }
        if (lobbyName.isEmpty()) {
            createLobby(joiner, LobbyMode.fromJoinId(message.id()));
        } else if (!LobbyNames.isJoinable(lobbyName)) {
            throw new ProtocolException(ErrorReason.LOBBY_NOT_FOUND);
        } else {
            joinLobby(joiner, lobbyName);
        }
    }

    /** An empty lobby name: a new lobby with the joiner as its host, told ID, then JOIN. */
    private void createLobby(Connection host, LobbyMode mode) throws ProtocolException {
        JoinOutcome outcome =
                store.createLobby(host, mode, names::next, limits.maxLobbies(), clock.instant());
        if (outcome instanceof JoinOutcome.Joined joined) {
            Outbox outbox = outboxes.get();
            if (outbox.send(
                    host.connectionId(), Message.id(joined.peerId(), joined.mode().isMesh()))) {
                announce(host, joined, outbox);
            }
            finish.accept(outbox);
        } else {
            refused(host, outcome);
        }
    }

    /**
     * Joining a named lobby, in two steps: an id is reserved and sent as ID before the join commits
     * — once it commits, later joiners may announce themselves to this peer at any moment, and a
     * Godot client needs its ID before that — then the peer is admitted and announced.
     */
    private void joinLobby(Connection joiner, String lobby) throws ProtocolException {
        Reservation reservation =
                store.reservePeerId(
                        joiner,
                        lobby,
                        peerIds::nextGuest,
                        limits.maxPeersPerLobby(),
                        clock.instant());
        if (reservation instanceof Reservation.Refused refused) {
            throw new ProtocolException(reasonFor(refused.refusal()));
        }
        Reservation.Reserved reserved = (Reservation.Reserved) reservation;
        Outbox outbox = outboxes.get();
        if (outbox.send(
                joiner.connectionId(), Message.id(reserved.peerId(), reserved.mode().isMesh()))) {
            JoinOutcome outcome =
                    store.admit(
                            joiner,
                            lobby,
                            reserved.peerId(),
                            limits.maxPeersPerLobby(),
                            clock.instant());
            if (outcome instanceof JoinOutcome.Joined joined) {
                announce(joiner, joined, outbox);
            } else {
                finish.accept(outbox);
                refused(joiner, outcome);
                return;
            }
        }
        finish.accept(outbox);
    }

    /** A join that did not happen: the client is told why, or closed if its record is gone. */
    private void refused(Connection joiner, JoinOutcome outcome) throws ProtocolException {
        if (outcome instanceof JoinOutcome.Refused refused) {
            throw new ProtocolException(reasonFor(refused.refusal()));
        }
        channel.close(joiner.connectionId()); // NotConnected: nobody to answer
    }

    /** The store's refusal in the words of the demo server. */
    static ErrorReason reasonFor(JoinRefusal refusal) {
        return switch (refusal) {
            case LOBBY_NOT_FOUND -> ErrorReason.LOBBY_NOT_FOUND;
            case LOBBY_SEALED -> ErrorReason.LOBBY_SEALED;
            case LOBBY_FULL -> ErrorReason.TOO_MANY_PEERS;
            case TOO_MANY_LOBBIES -> ErrorReason.TOO_MANY_LOBBIES;
            case ALREADY_IN_LOBBY -> ErrorReason.ALREADY_IN_LOBBY;
        };
    }

    /**
     * To the joiner, after its ID: ICE servers, one PEER_CONNECT per linked earlier peer, then
     * JOIN; to each of those: PEER_CONNECT(joiner).
     */
    private void announce(Connection joiner, JoinOutcome.Joined joined, Outbox outbox) {
        if (joined.peerId() == PeerIds.HOST) {
            events.lobbyCreated(joined.lobby());
        }
        events.joined(joined.lobby(), joined.peerId());
        if (joiner.extensions() && iceServers.configured()) {
            // Before any PEER_CONNECT, so the client creates its peer connections with them.
            String user = joined.lobby() + "-" + joined.peerId();
            outbox.send(
                    joiner.connectionId(),
                    Message.iceServers(iceServers.forPeer(user, clock.instant())));
        }
        for (Member other : joined.earlier()) {
            if (!LobbyRules.linked(joined.mode(), joined.peerId(), other.peerId())) {
                continue;
            }
            outbox.send(other.connectionId(), Message.peerConnect(joined.peerId()));
            outbox.send(joiner.connectionId(), Message.peerConnect(other.peerId()));
        }
        outbox.send(joiner.connectionId(), Message.joined(joined.lobby()));
    }
}
