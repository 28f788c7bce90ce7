package dev.godotsignal.signaling;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.protocol.Message;
import dev.godotsignal.protocol.MessageCodec;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.resume.Keeping;
import dev.godotsignal.resume.KeptFrames;
import dev.godotsignal.resume.ResumeRefusal;
import dev.godotsignal.resume.ResumeStore;
import dev.godotsignal.resume.ResumeToken;
import dev.godotsignal.resume.Resumption;
import dev.godotsignal.resume.Suspension;
import dev.godotsignal.turn.IceServers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Signaling that survives a blip: an extension peer whose socket ends before SEAL without its
 * client asking is suspended, not removed. Its lobby is told nothing and frames for it are kept, in
 * order, until it resumes with its token on a new connection (which is then greeted with what it
 * missed) or its grace ends (then it leaves as it would have when it dropped).
 */
final class PeerResumes {
    private static final System.Logger LOG = System.getLogger(PeerResumes.class.getName());

    /**
     * How often the greeting re-tries its first frame while the new connection finishes opening: 8
     * tries over 1.27 s (10 ms doubling), so a {@code $connect} slowed by throttled calls after its
     * resume committed is waited for instead of taken for a new drop.
     */
    private static final int GREETING_ATTEMPTS = 8;

    /** How many times the greeting drains frames kept meanwhile before it lets go of the hold. */
    private static final int DRAIN_ROUNDS = 32;

    private final ResumeStore resumes;
    private final SignalingStore store;
    private final PeerChannel channel;
    private final Timers timers;
    private final Limits limits;
    private final IceServers iceServers;
    private final SignalingEvents events;
    private final Clock clock;
    private final MessageCodec codec;
    private final Supplier<String> secrets;
    private final Supplier<Outbox> outboxes;
    private final Consumer<Outbox> finish;
    private final BiConsumer<String, Outbox> removeAndTell;

    /**
     * @param secrets fresh resume secrets (see {@link ResumeToken#newSecret})
     * @param removeAndTell removes a connection and tells its lobby, as before resuming existed
     */
    PeerResumes(
            ResumeStore resumes,
            SignalingStore store,
            PeerChannel channel,
            Timers timers,
            Limits limits,
            IceServers iceServers,
            SignalingEvents events,
            Clock clock,
            MessageCodec codec,
            Supplier<String> secrets,
            Supplier<Outbox> outboxes,
            Consumer<Outbox> finish,
            BiConsumer<String, Outbox> removeAndTell) {
        this.resumes = resumes;
        this.store = store;
        this.channel = channel;
        this.timers = timers;
        this.limits = limits;
        this.iceServers = iceServers;
        this.events = events;
        this.clock = clock;
        this.codec = codec;
        this.secrets = secrets;
        this.outboxes = outboxes;
        this.finish = finish;
        this.removeAndTell = removeAndTell;
    }

    /** The secret of a new connection's future resume token, when it will get one. */
    Optional<String> secretFor(boolean extensions) {
        return extensions && limits.resumes() ? Optional.of(secrets.get()) : Optional.empty();
    }

    /** The token to send right after ID, for a peer that may resume. */
    Optional<Message> tokenFor(Connection connection, String lobby, int peerId) {
        return connection
                .resumeSecret()
                .filter(secret -> limits.resumes())
                .map(
                        secret ->
                                Message.resume(
                                        peerId, new ResumeToken(lobby, peerId, secret).encode()));
    }

    /**
     * A connection found gone, or leaving: suspended (and the frames it missed kept) when it is a
     * peer that may resume, else removed and its lobby told.
     */
    void lose(Outbox.Gone gone, Outbox outbox) {
        boolean demoClient = gone.place().filter(place -> !place.extensions()).isPresent();
        if (gone.leaving() || !limits.resumes() || demoClient) {
            removeAndTell.accept(gone.connectionId(), outbox);
            return;
        }
        Suspension suspension =
                resumes.suspend(
                        gone.connectionId(),
                        clock.instant().plus(limits.resumeGrace()),
                        clock.instant());
        if (suspension instanceof Suspension.Suspended suspended) {
            events.suspended(suspended.lobby(), suspended.peerId());
            timers.schedule(new Timer.ResumeExpiry(gone.connectionId()), limits.resumeGrace());
            keepOrSend(suspended.lobby(), suspended.peerId(), gone.undelivered(), outbox);
        } else if (suspension instanceof Suspension.AlreadySuspended already) {
            keepOrSend(already.lobby(), already.peerId(), gone.undelivered(), outbox);
        } else if (suspension instanceof Suspension.NotSuspendable) {
            removeAndTell.accept(gone.connectionId(), outbox);
        } else {
            // No record: the peer left, or resumed on another connection; its frames follow it.
            gone.place()
                    .ifPresent(
                            place ->
                                    keepOrSend(
                                            place.lobby(),
                                            place.peerId(),
                                            gone.undelivered(),
                                            outbox));
        }
    }

    /** Frames for a peer that may be held: kept while it is, else sent to its connection. */
    void keepOrSend(String lobby, int peerId, List<Message> frames, Outbox outbox) {
        if (frames.isEmpty()) {
            return;
        }
        Keeping keeping =
                resumes.keep(
                        lobby,
                        peerId,
                        frames.stream().map(codec::encode).toList(),
                        clock.instant());
        if (keeping instanceof Keeping.Kept kept && kept.dropped() > 0) {
            events.keptFramesDropped(kept.dropped());
        } else if (keeping instanceof Keeping.Gone) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0} frame(s) for peer {1} of {2} dropped: it left",
                    frames.size(),
                    peerId,
                    lobby);
        } else if (keeping instanceof Keeping.Active active) {
            for (Message frame : frames) {
                outbox.send(lobby, active.member(), frame);
            }
        }
    }

    /**
     * {@code ?ext=1&resume=<token>} at {@code $connect}: binds the token's peer to this new
     * connection, or refuses (the handshake fails with the refusal's status).
     */
    Optional<ResumeRefusal> resume(
            String connectionId,
            boolean extensions,
            String game,
            Optional<String> allowedLobby,
            Optional<String> player,
            String rawToken) {
        Optional<ResumeRefusal> refusal = check(extensions, game, allowedLobby, rawToken);
        if (refusal.isPresent()) {
            events.resumeRefused(refusal.get());
            return refusal;
        }
        ResumeToken token = ResumeToken.parse(rawToken).orElseThrow();
        Connection fresh =
                Connection.arriving(
                        connectionId, true, game, allowedLobby, player, Optional.of(secrets.get()));
        Resumption resumption = resumes.resume(fresh, token, clock.instant());
        if (resumption instanceof Resumption.Refused refused) {
            events.resumeRefused(refused.refusal());
            return Optional.of(refused.refusal());
        }
        Resumption.Resumed resumed = (Resumption.Resumed) resumption;
        // One live connection per peer: a socket it left behind without our noticing is closed.
        resumed.stillOpen().ifPresent(channel::close);
        events.resumed(token.lobby(), token.peerId());
        // Its liveness checks start with the greeting, once the connection is known to be open.
        timers.schedule(new Timer.ResumeGreeting(connectionId, resumed.received()), Duration.ZERO);
        return Optional.empty();
    }

    private Optional<ResumeRefusal> check(
            boolean extensions, String game, Optional<String> allowedLobby, String rawToken) {
        if (!limits.resumes()) {
            return Optional.of(ResumeRefusal.GONE);
        }
        Optional<ResumeToken> token = ResumeToken.parse(rawToken);
        if (!extensions
                || token.isEmpty()
                || !Games.gameOf(token.get().lobby()).equals(game)
                || allowedLobby
                        .filter(lobby -> !lobby.equals(Games.nameOf(token.get().lobby())))
                        .isPresent()) {
            return Optional.of(ResumeRefusal.FORBIDDEN);
        }
        return Optional.empty();
    }

    /**
     * The resumed connection is open: ID, ICE_SERVERS, RESUME (a new token and the count of frames
     * received), who joined and who left meanwhile, JOIN, then every kept frame in order; the hold
     * ends only when nothing more was kept meanwhile, so no new frame overtakes a kept one.
     */
    void greet(String connectionId, long received) {
        Optional<Connection> found = store.connection(connectionId, clock.instant());
        if (found.isEmpty() || found.get().membership().isEmpty()) {
            return; // it dropped again (and was suspended or left) before it could be greeted
        }
        Connection connection = found.get();
        Connection.Membership membership = connection.membership().get();
        String lobby = membership.lobby();
        int peerId = membership.peerId();
        Optional<Lobby> now = store.lobby(lobby, clock.instant());
        if (now.isEmpty()) {
            channel.close(connectionId); // its lobby ended meanwhile (its host left)
            return;
        }
        Member self = new Member(peerId, connectionId, true, 0);
        Outbox outbox = outboxes.get();
        if (!firstFrame(connectionId, Message.id(peerId, membership.mode().isMesh()))) {
            outbox.dropped(connectionId);
            finish.accept(outbox); // still gone: it is suspended again (its frames stay kept)
            return;
        }
        // Only now: until its $connect has returned, API Gateway reports the connection gone, and
        // a check that ran earlier (a slow $connect) suspended a peer that was about to be greeted,
        // which then stayed held, its frames kept, on an open socket.
        timers.schedule(new Timer.ConnectionCheck(connectionId), limits.livenessInterval());
        if (iceServers.configured()) {
            String user = Games.nameOf(lobby) + "-" + peerId;
            outbox.send(lobby, self, Message.iceServers(iceServers.forPeer(user, clock.instant())));
        }
        Optional<String> secret = connection.resumeSecret();
        if (secret.isPresent()
                && outbox.send(
                        lobby,
                        self,
                        Message.resumed(
                                peerId,
                                new ResumeToken(lobby, peerId, secret.get()).encode(),
                                received))) {
            resumes.tokenDelivered(connectionId);
        }
        Optional<List<String>> kept = resumes.drain(lobby, peerId, connectionId);
        if (kept.isPresent()) {
            KeptFrames ordered = KeptFrames.order(kept.get(), codec);
            ordered.arrivalsAndDepartures().forEach(frame -> outbox.send(lobby, self, frame));
            outbox.send(lobby, self, Message.joined(Games.nameOf(lobby)));
            ordered.rest().forEach(frame -> outbox.send(lobby, self, frame));
            if (now.get().sealed()) {
                // Sealed while it was away: it learns so (unless the SEAL was kept for it), and its
                // socket closes after the seal's delay, as everyone else's did.
                if (ordered.rest().stream().noneMatch(f -> f.type() == MessageType.SEAL)) {
                    outbox.send(lobby, self, Message.seal());
                }
                timers.schedule(new Timer.SealClose(lobby), limits.sealCloseDelay());
            }
            for (int round = 0; round < DRAIN_ROUNDS && !outbox.isGone(connectionId); round++) {
                if (resumes.release(lobby, peerId, connectionId)) {
                    break;
                }
                Optional<List<String>> more = resumes.drain(lobby, peerId, connectionId);
                if (more.isEmpty()) {
                    break;
                }
                for (String raw : more.get()) {
                    KeptFrames.decode(raw, codec)
                            .ifPresent(frame -> outbox.send(lobby, self, frame));
                }
            }
        }
        finish.accept(outbox);
    }

    /**
     * API Gateway accepts frames for a connection only once its {@code $connect} has returned, and
     * the greeting may be faster: the first frame is retried a few times.
     */
    private boolean firstFrame(String connectionId, Message frame) {
        String encoded = codec.encode(frame);
        for (int attempt = 0; attempt < GREETING_ATTEMPTS; attempt++) {
            if (channel.send(connectionId, encoded) != PeerChannel.Delivery.GONE) {
                return true;
            }
            if (attempt == GREETING_ATTEMPTS - 1) {
                break;
            }
            try {
                Thread.sleep(10L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * The grace is over: a connection still on record never resumed (a resume removes it), so it
     * leaves now, as if it had closed when it dropped.
     */
    void expire(String connectionId, Consumer<String> leave) {
        if (store.connection(connectionId, clock.instant()).isPresent()) {
            leave.accept(connectionId);
        }
    }
}
