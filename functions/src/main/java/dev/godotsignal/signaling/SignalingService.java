package dev.godotsignal.signaling;

import dev.godotsignal.discovery.DiscoveryStore;
import dev.godotsignal.discovery.LobbyDataOutcome;
import dev.godotsignal.discovery.LobbyDataUpdate;
import dev.godotsignal.discovery.MatchRequest;
import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.DeadlineOutcome;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.lobby.LobbyRules;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.Message;
import dev.godotsignal.protocol.MessageCodec;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.protocol.ProtocolException;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.OrderingGate;
import dev.godotsignal.relay.RelayIntent;
import dev.godotsignal.resume.ResumeRefusal;
import dev.godotsignal.resume.ResumeStore;
import dev.godotsignal.resume.ResumeToken;
import dev.godotsignal.turn.IceServers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The signaling protocol of Godot's WebRTC demo, run statelessly: every call reads what it needs
 * from the store and talks to clients through the {@link PeerChannel}. Knows nothing of Lambda.
 *
 * <p>A protocol error affects only its sender: it gets an ERROR frame (if it opted in to
 * extensions) and its connection is closed and removed, which tells its lobby as a normal leave.
 */
public final class SignalingService {
    private static final System.Logger LOG = System.getLogger(SignalingService.class.getName());

    private final SignalingStore store;
    private final DiscoveryStore discovery;
    private final PeerChannel channel;
    private final Timers timers;
    private final Limits limits;
    private final Clock clock;
    private final SignalingEvents events;
    private final MessageCodec codec = new MessageCodec();
    private final LobbyEntry joins;
    private final PeerResumes resumes;

    /**
     * @param resumeSecrets fresh secrets for resume tokens (see {@link ResumeToken#newSecret})
     */
    public SignalingService(
            SignalingStore store,
            DiscoveryStore discovery,
            ResumeStore resumeStore,
            Supplier<String> resumeSecrets,
            PeerChannel channel,
            Timers timers,
            Limits limits,
            LobbyNames names,
            PeerIds peerIds,
            IceServers iceServers,
            SignalingEvents events,
            Clock clock) {
        this.store = store;
        this.discovery = discovery;
        this.channel = channel;
        this.timers = timers;
        this.limits = limits;
        this.events = events;
        this.clock = clock;
        this.resumes =
                new PeerResumes(
                        resumeStore,
                        store,
                        channel,
                        timers,
                        limits,
                        iceServers,
                        events,
                        clock,
                        codec,
                        resumeSecrets,
                        this::outbox,
                        this::finish,
                        this::removeAndTell);
        this.joins =
                new LobbyEntry(
                        store,
                        discovery,
                        channel,
                        limits,
                        names,
                        peerIds,
                        iceServers,
                        events,
                        clock,
                        resumes,
                        this::outbox,
                        this::finish);
    }

    /**
     * A new connection to {@code game} (see {@link Games}); {@code allowedLobby} when its token
     * binds it to one lobby, {@code player} its token's subject.
     */
    public void connect(
            String connectionId,
            boolean extensions,
            String game,
            Optional<String> allowedLobby,
            Optional<String> player) {
        if (!Games.isValid(game)) {
            throw new IllegalArgumentException("not a game id: " + game);
        }
        store.putConnection(
                Connection.arriving(
                        connectionId,
                        extensions,
                        game,
                        allowedLobby,
                        player,
                        resumes.secretFor(extensions)),
                limits.rateWindow(clock.instant()),
                clock.instant());
        // The first check is the join deadline; later ones catch a $disconnect that never came.
        timers.schedule(new Timer.ConnectionCheck(connectionId), limits.joinDeadline());
    }

    /**
     * A new connection that resumes a dropped peer ({@code ?ext=1&resume=<token>}): empty when it
     * did, else why the handshake is refused. See {@link PeerResumes#resume}.
     */
    public Optional<ResumeRefusal> resume(
            String connectionId,
            boolean extensions,
            String game,
            Optional<String> allowedLobby,
            Optional<String> player,
            String token) {
        return resumes.resume(connectionId, extensions, game, allowedLobby, player, token);
    }

    /** A timer is due. */
    public void fire(Timer timer) {
        if (timer instanceof Timer.SealClose sealClose) {
            store.lobby(sealClose.lobby(), clock.instant())
                    .ifPresent(
                            lobby -> lobby.members().forEach(m -> channel.close(m.connectionId())));
        } else if (timer instanceof Timer.ConnectionCheck check) {
            checkConnection(check.connectionId(), true);
        } else if (timer instanceof Timer.JoinGrace grace) {
            checkConnection(grace.connectionId(), false);
        } else if (timer instanceof Timer.ResumeExpiry expiry) {
            resumes.expire(expiry.connectionId(), this::leave);
        } else if (timer instanceof Timer.ResumeGreeting greeting) {
            resumes.greet(greeting.connectionId(), greeting.received());
        }
    }

    /** {@code graceLeft}: a connection whose JOIN may still be in flight gets one more deadline. */
    private void checkConnection(String connectionId, boolean graceLeft) {
        Optional<Connection> found = store.connection(connectionId, clock.instant());
        if (found.isEmpty()) {
            return; // already gone and cleaned up
        }
        if (found.get().membership().isEmpty()) {
            // Decided by the removal, not by the read above: a JOIN that commits in between keeps
            // its lobby (closing its connection would take the lobby's host away under load).
            DeadlineOutcome outcome =
                    store.expireUnjoined(connectionId, graceLeft, clock.instant());
            if (outcome instanceof DeadlineOutcome.Expired expired) {
                shutOut(expired.connection(), ErrorReason.NOT_IN_LOBBY); // its record is gone
                return;
            }
            if (outcome instanceof DeadlineOutcome.JoinInFlight) {
                timers.schedule(new Timer.JoinGrace(connectionId), limits.joinDeadline());
                return;
            }
            if (outcome instanceof DeadlineOutcome.Gone) {
                return;
            }
            // Joined meanwhile: from now on it is checked like any member.
        }
        if (!channel.exists(connectionId)) {
            // Its $disconnect was lost: a drop like any other (suspended, or removed and told).
            events.goneCleanedUp();
            Outbox outbox = outbox();
            outbox.dropped(connectionId);
            finish(outbox);
        } else {
            timers.schedule(new Timer.ConnectionCheck(connectionId), limits.livenessInterval());
        }
    }

    /** Its {@code $disconnect}: a leave, or a drop that may be resumed. */
    public void disconnect(String connectionId, Closure closure) {
        if (closure == Closure.ASKED) {
            leave(connectionId);
        } else {
            Outbox outbox = outbox();
            outbox.dropped(connectionId);
            finish(outbox);
        }
    }

    /** A binary frame: the protocol is text only. */
    public void binary(String connectionId) {
        store.connection(connectionId, clock.instant())
                .ifPresentOrElse(
                        c -> reject(c, ErrorReason.BINARY_FRAME),
                        () -> channel.close(connectionId));
    }

    public void text(String connectionId, String body) {
        // Decoded before it is counted, so the counting write can carry the ordering gate too.
        MessageCodec.Inbound message = null;
        ErrorReason invalid = null;
        if (body.length() > limits.maxMessageBytes()
                || body.getBytes(StandardCharsets.UTF_8).length > limits.maxMessageBytes()) {
            invalid = ErrorReason.MESSAGE_TOO_LARGE;
        } else {
            try {
                message = codec.decode(body);
            } catch (ProtocolException e) {
                invalid = e.reason();
            }
        }
        MessageAdmission admission =
                store.admitMessage(
                        connectionId,
                        limits.rateWindow(clock.instant()),
                        message == null ? new RelayIntent.None() : intentOf(message),
                        clock.instant());
        if (admission instanceof MessageAdmission.RateLimited limited) {
            reject(limited.connection(), ErrorReason.RATE_LIMITED);
            return;
        }
        if (!(admission instanceof MessageAdmission.Admitted admitted)) {
            // No record: its $connect never completed or it expired. Nothing can be relayed for it.
            channel.close(connectionId);
            return;
        }
        Connection sender = admitted.connection();
        try {
            if (invalid != null) {
                throw new ProtocolException(invalid);
            }
            dispatch(sender, message, admitted.gate());
        } catch (ProtocolException e) {
            reject(sender, e.reason());
        }
    }

    private static RelayIntent intentOf(MessageCodec.Inbound message) {
        if (message.type() == MessageType.CANDIDATE.code()) {
            return new RelayIntent.Candidate(message.id());
        }
        if (message.type() == MessageType.OFFER.code()
                || message.type() == MessageType.ANSWER.code()) {
            return new RelayIntent.Description(message.id());
        }
        return new RelayIntent.None();
    }

    private void dispatch(Connection sender, MessageCodec.Inbound message, OrderingGate gate)
            throws ProtocolException {
        // Same order of checks as the demo server: JOIN first, then "not in a lobby", then the
        // command.
        if (message.type() == MessageType.JOIN.code()) {
            joins.join(sender, message);
            return;
        }
        // Extension types exist only for connections that asked for them; for the others they
        // are unknown types, answered as the demo server answers those.
        if (message.type() == MessageType.MATCH.code() && sender.extensions()) {
            joins.match(sender, MatchRequest.parse(message.data(), limits.maxPeersPerLobby()));
            return;
        }
        Connection.Membership membership =
                sender.membership()
                        .orElseThrow(() -> new ProtocolException(ErrorReason.NOT_IN_LOBBY));
        MessageType type =
                MessageType.fromCode(message.type())
                        .orElseThrow(() -> new ProtocolException(ErrorReason.INVALID_COMMAND));
        if (type == MessageType.SEAL) {
            seal(membership);
        } else if (type == MessageType.LOBBY_DATA && sender.extensions()) {
            lobbyData(sender, membership, message.data());
        } else if (type.isRelayed()) {
            relay(sender.connectionId(), membership, type, message.id(), message.data(), gate);
        } else {
            throw new ProtocolException(ErrorReason.INVALID_COMMAND);
        }
    }

    private void seal(Connection.Membership membership) throws ProtocolException {
        if (membership.peerId() != PeerIds.HOST) {
            throw new ProtocolException(ErrorReason.ONLY_HOST_CAN_SEAL);
        }
        Optional<Lobby> sealed = store.seal(membership.lobby(), clock.instant());
        if (sealed.isEmpty()) {
            throw new ProtocolException(ErrorReason.LOBBY_GONE);
        }
        Outbox outbox = outbox();
        outbox.sendAll(
                sealed.get().members().stream()
                        .map(member -> Outbox.Addressed.to(member.connectionId(), Message.seal()))
                        .toList());
        finish(outbox);
        timers.schedule(new Timer.SealClose(membership.lobby()), limits.sealCloseDelay());
    }

    /**
     * The host's LOBBY_DATA: stored, then sent to every ext peer of the lobby. A refusal changes
     * nothing and leaves the sender connected: an ERROR frame with id 0.
     */
    private void lobbyData(Connection sender, Connection.Membership membership, String data)
            throws ProtocolException {
        if (membership.peerId() != PeerIds.HOST) {
            refuse(sender, ErrorReason.ONLY_HOST_CAN_SET_DATA);
            return;
        }
        LobbyDataUpdate update;
        try {
            update = LobbyDataUpdate.parse(data, limits.maxPeersPerLobby());
        } catch (ProtocolException e) {
            refuse(sender, e.reason());
            return;
        }
        LobbyDataOutcome outcome =
                discovery.updateLobbyData(membership.lobby(), update, clock.instant());
        if (outcome instanceof LobbyDataOutcome.Refused refused) {
            switch (refused.refusal()) {
                case LOBBY_GONE -> throw new ProtocolException(ErrorReason.LOBBY_GONE);
                case LOBBY_SEALED -> refuse(sender, ErrorReason.LOBBY_SEALED);
                case BELOW_PEER_COUNT -> refuse(sender, ErrorReason.INVALID_LOBBY_DATA);
            }
            return;
        }
        LobbyDataOutcome.Changed changed = (LobbyDataOutcome.Changed) outcome;
        Outbox outbox = outbox();
        Message told = Message.lobbyData(changed.data().json());
        outbox.sendAll(
                changed.members().stream()
                        .filter(Member::extensions)
                        .map(member -> Outbox.Addressed.to(membership.lobby(), member, told))
                        .toList());
        finish(outbox);
    }

    /** A request refused with the connection left open (extension requests only). */
    private void refuse(Connection sender, ErrorReason reason) {
        events.rejected(reason);
        channel.send(sender.connectionId(), codec.encode(Message.refusal(reason)));
    }

    private void relay(
            String connectionId,
            Connection.Membership sender,
            MessageType type,
            int destination,
            String data,
            OrderingGate gate)
            throws ProtocolException {
        if (!LobbyRules.mayRelay(sender.mode(), sender.peerId(), destination)) {
            throw new ProtocolException(ErrorReason.INVALID_DESTINATION);
        }
        MemberLookup lookup = store.member(sender.lobby(), destination, clock.instant());
        if (lookup instanceof MemberLookup.Present present) {
            deliver(connectionId, sender, present.member(), false, type, data, gate);
            return;
        }
        if (lookup instanceof MemberLookup.Held held) {
            deliver(connectionId, sender, held.member(), true, type, data, gate);
            return;
        }
        if (gate instanceof OrderingGate.Opened opened) {
            // Not sent, but done with: candidates held for it must not wait for ever.
            store.descriptionDelivered(connectionId, sender, destination, opened.generation());
        }
        if (lookup instanceof MemberLookup.RecentlyLeft) {
            LOG.log(System.Logger.Level.DEBUG, "dropped {0} to a peer that just left", type);
        } else {
            throw new ProtocolException(ErrorReason.INVALID_DESTINATION);
        }
    }

    /**
     * Relays through the ordering gate: a description was admitted with a new generation of its
     * pair; it is sent, and only then releases the candidates held for it. A candidate goes at once
     * when the pair's latest description is delivered, and is held otherwise. To a {@code held}
     * destination (suspended, or being greeted after a resume), or one found gone on the way, the
     * frames are kept instead, which counts as delivered: they reach it in this order.
     */
    private void deliver(
            String senderConnectionId,
            Connection.Membership sender,
            Member destination,
            boolean held,
            MessageType type,
            String data,
            OrderingGate gate) {
        int from = sender.peerId();
        events.relayed(type);
        if (gate instanceof OrderingGate.Closed
                && store.holdCandidate(senderConnectionId, destination.peerId(), data)) {
            events.candidateHeld();
            return;
        }
        // A destination found gone is suspended, and the description kept, before the gate
        // opens: a candidate released by the opening must not overtake it.
        boolean keep = relayTo(sender.lobby(), destination, held, new Message(type, from, data));
        if (gate instanceof OrderingGate.Opened opened) {
            // Sent or not, the description is done with: held candidates would otherwise wait
            // forever.
            List<String> released =
                    store.descriptionDelivered(
                            senderConnectionId, sender, destination.peerId(), opened.generation());
            for (String candidate : released) {
                keep =
                        relayTo(
                                sender.lobby(),
                                destination,
                                keep,
                                new Message(MessageType.CANDIDATE, from, candidate));
            }
        }
    }

    /**
     * One relayed frame: sent, or kept for a held destination. Returns whether the destination is
     * (now known to be) held, so the frames after it are kept too.
     */
    private boolean relayTo(String lobby, Member destination, boolean held, Message frame) {
        Outbox outbox = outbox();
        if (held) {
            resumes.keepOrSend(lobby, destination.peerId(), List.of(frame), outbox);
        } else {
            outbox.send(lobby, destination, frame);
        }
        boolean gone = outbox.isGone(destination.connectionId());
        finish(outbox);
        return held || gone;
    }

    /**
     * The offender alone: an ERROR frame if it understands extensions, then close and remove it.
     */
    private void reject(Connection offender, ErrorReason reason) {
        shutOut(offender, reason);
        leave(offender.connectionId());
    }

    /** Tells an extension client why, and closes the socket. */
    private void shutOut(Connection offender, ErrorReason reason) {
        events.rejected(reason);
        if (offender.extensions()) {
            channel.send(offender.connectionId(), codec.encode(Message.error(reason)));
        }
        channel.close(offender.connectionId());
    }

    private void leave(String connectionId) {
        Outbox outbox = outbox();
        outbox.leaving(connectionId);
        finish(outbox);
    }

    private Outbox outbox() {
        return new Outbox(channel, codec, events);
    }

    /**
     * The work is done: every connection found gone on the way is suspended or removed (its lobby
     * told), see {@link PeerResumes#lose}.
     */
    private void finish(Outbox outbox) {
        outbox.cleanUp(gone -> resumes.lose(gone, outbox));
    }

    /**
     * Removes a gone connection and tells its lobby; telling may find more gone connections (410),
     * which the outbox hands back here in turn. The store's removal is idempotent, so each
     * departure is announced once however many paths discover it.
     */
    private void removeAndTell(String connectionId, Outbox outbox) {
        LeaveOutcome outcome = store.removeConnection(connectionId, clock.instant());
        if (!(outcome instanceof LeaveOutcome.Left left)) {
            return;
        }
        events.left(left.lobby(), left.peerId(), left.peerId() == PeerIds.HOST);
        if (left.peerId() == PeerIds.HOST) {
            for (Member member : left.remaining()) {
                if (!left.sealed() && member.extensions()) {
                    channel.send(
                            member.connectionId(),
                            codec.encode(Message.error(ErrorReason.HOST_DISCONNECTED)));
                }
                channel.close(member.connectionId());
            }
        } else if (!left.sealed()) {
            // After SEAL, peers keep their WebRTC links: a PEER_DISCONNECT would make Godot tear
            // one down.
            outbox.sendAll(
                    left.remaining().stream()
                            .filter(m -> LobbyRules.linked(left.mode(), left.peerId(), m.peerId()))
                            .map(
                                    m ->
                                            Outbox.Addressed.to(
                                                    left.lobby(),
                                                    m,
                                                    Message.peerDisconnect(left.peerId())))
                            .toList());
        }
    }
}
