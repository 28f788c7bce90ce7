package dev.godotsignal.signaling;

import dev.godotsignal.discovery.DiscoveryStore;
import dev.godotsignal.discovery.LobbyDataOutcome;
import dev.godotsignal.discovery.LobbyDataUpdate;
import dev.godotsignal.discovery.LobbyListing;
import dev.godotsignal.discovery.MatchPool;
import dev.godotsignal.discovery.MatchRequest;
import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.Games;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Entering a lobby: JOIN with an empty name creates one (its host gets ID 1, then JOIN); with a
 * name, an id is reserved and sent as ID before the join commits, then the peer is admitted and
 * introduced to the earlier peers it is linked to, and they to it. MATCH (quick match) takes a seat
 * in the oldest fitting listed lobby, or opens one when it is the pool's turn. The store refuses in
 * its own terms; the client is told in the demo server's words.
 */
final class LobbyEntry {
    /** How many of a pool's oldest listed lobbies a matcher looks at (one index page). */
    static final int MATCH_CANDIDATES = 50;

    /**
     * How many lobbies opened by others a matcher tries before it opens one regardless. Each try it
     * loses means another matcher opened a lobby, so the wait is bounded by the rush.
     */
    static final int MATCH_TURNS = 64;

    private final SignalingStore store;
    private final DiscoveryStore discovery;
    private final PeerChannel channel;
    private final Limits limits;
    private final LobbyNames names;
    private final PeerIds peerIds;
    private final IceServers iceServers;
    private final SignalingEvents events;
    private final Clock clock;
    private final PeerResumes resumes;
    private final Supplier<Outbox> outboxes;
    private final Consumer<Outbox> finish;

    /**
     * @param outboxes a fresh outbox per piece of work
     * @param finish removes and announces what an outbox found gone
     */
    LobbyEntry(
            SignalingStore store,
            DiscoveryStore discovery,
            PeerChannel channel,
            Limits limits,
            LobbyNames names,
            PeerIds peerIds,
            IceServers iceServers,
            SignalingEvents events,
            Clock clock,
            PeerResumes resumes,
            Supplier<Outbox> outboxes,
            Consumer<Outbox> finish) {
        this.store = store;
        this.discovery = discovery;
        this.channel = channel;
        this.limits = limits;
        this.names = names;
        this.peerIds = peerIds;
        this.iceServers = iceServers;
        this.events = events;
        this.clock = clock;
        this.resumes = resumes;
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
            joinLobby(joiner, Games.lobbyKey(joiner.game(), lobbyName));
        }
    }

    /** An empty lobby name: a new lobby with the joiner as its host, told ID, then JOIN. */
    private void createLobby(Connection host, LobbyMode mode) throws ProtocolException {
        JoinOutcome outcome =
                store.createLobby(
                        host,
                        mode,
                        limits.maxPeersPerLobby(),
                        newKeys(host),
                        limits.maxLobbies(),
                        clock.instant());
        opened(host, outcome);
    }

    /** A lobby opened with {@code host} as peer 1: ID, then the usual announcements. */
    private void opened(Connection host, JoinOutcome outcome) throws ProtocolException {
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

    /** Fresh lobby keys in the connection's game. */
    private Supplier<String> newKeys(Connection connection) {
        return () -> Games.lobbyKey(connection.game(), names.next());
    }

    /**
     * Quick match: a seat in the oldest listed lobby of the pool whose data fits {@code where};
     * else the newest lobby of the matcher's turn lane; else a new public lobby, opened only if no
     * other matcher of that lane opened one meanwhile (then that one is tried), so concurrent
     * matchers fill lobbies before they open more. A burst spreads: each matcher starts at one of
     * the {@value MatchPool#LANES} oldest fitting lobbies and takes turns in one of as many lanes,
     * at random, instead of all of them queueing on one lobby item.
     */
    void match(Connection joiner, MatchRequest request) throws ProtocolException {
        if (joiner.membership().isPresent()) {
            throw new ProtocolException(ErrorReason.ALREADY_IN_LOBBY);
        }
        if (joiner.allowedLobby().isPresent()) {
            throw new ProtocolException(ErrorReason.LOBBY_NOT_ALLOWED);
        }
        MatchPool pool = request.pool(joiner.game());
        List<LobbyListing> fitting =
                discovery.matchCandidates(pool, MATCH_CANDIDATES, clock.instant()).stream()
                        .filter(c -> !c.full() && c.data().matches(request.where()))
                        .toList();
        // Spreading is not secrecy: a plain random number is enough.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int start = random.nextInt(Math.min(MatchPool.LANES, Math.max(1, fitting.size())));
        Set<String> tried = new HashSet<>();
        for (int i = 0; i < fitting.size(); i++) {
            LobbyListing candidate = fitting.get((start + i) % fitting.size());
            String lobby = Games.lobbyKey(joiner.game(), candidate.name());
            tried.add(lobby);
            if (tookSeat(joiner, lobby, pool)) {
                return;
            }
        }
        int lane = random.nextInt(MatchPool.LANES);
        Optional<String> turn = discovery.poolTurn(pool, lane);
        for (int attempt = 0; attempt < MATCH_TURNS; attempt++) {
            if (turn.isPresent() && tried.add(turn.get()) && tookSeat(joiner, turn.get(), pool)) {
                return;
            }
            JoinOutcome outcome =
                    discovery.openForMatch(
                            joiner,
                            pool,
                            lane,
                            turn,
                            request.openingData(),
                            newKeys(joiner),
                            limits.maxLobbies(),
                            clock.instant());
            if (outcome instanceof JoinOutcome.Superseded superseded) {
                turn = Optional.of(superseded.current()).filter(lobby -> !lobby.isEmpty());
                continue;
            }
            opened(joiner, outcome);
            return;
        }
        // The pool's turn kept moving without a seat for this matcher: it opens a lobby of its own
        // (public, with its data) rather than wait any longer.
        JoinOutcome outcome =
                store.createLobby(
                        joiner,
                        pool.mode(),
                        pool.maxPeers(),
                        newKeys(joiner),
                        limits.maxLobbies(),
                        clock.instant());
        if (outcome instanceof JoinOutcome.Joined joined) {
            LobbyDataOutcome published =
                    discovery.updateLobbyData(
                            joined.lobby(),
                            new LobbyDataUpdate(
                                    Optional.of(true),
                                    OptionalInt.empty(),
                                    Optional.of(request.openingData())),
                            clock.instant());
            if (published instanceof LobbyDataOutcome.Changed changed) {
                outcome =
                        new JoinOutcome.Joined(
                                joined.lobby(),
                                joined.peerId(),
                                joined.mode(),
                                joined.earlier(),
                                Optional.of(changed.data()));
            }
        }
        opened(joiner, outcome);
    }

    /**
     * Tries a seat in {@code lobby}: false if it has no room (or is sealed or gone), true once the
     * matcher is handled (admitted, or refused for good after its ID, or gone).
     */
    private boolean tookSeat(Connection joiner, String lobby, MatchPool pool)
            throws ProtocolException {
        Reservation reservation =
                discovery.holdSeat(joiner, lobby, pool, peerIds::nextGuest, clock.instant());
        if (!(reservation instanceof Reservation.Reserved reserved)) {
            return false;
        }
        Outbox outbox = outboxes.get();
        if (!outbox.send(
                joiner.connectionId(), Message.id(reserved.peerId(), reserved.mode().isMesh()))) {
            discovery.releaseSeat(lobby, reserved.peerId(), clock.instant());
            finish.accept(outbox);
            return true;
        }
        JoinOutcome outcome =
                discovery.admitToSeat(joiner, lobby, reserved.peerId(), clock.instant());
        if (outcome instanceof JoinOutcome.Joined joined) {
            announce(joiner, joined, outbox);
            finish.accept(outbox);
            return true;
        }
        finish.accept(outbox);
        refused(joiner, outcome);
        return true;
    }

    /**
     * Joining a named lobby, in two steps: an id is reserved and sent as ID before the join commits
     * — once it commits, later joiners may announce themselves to this peer at any moment, and a
     * Godot client needs its ID before that — then the peer is admitted and announced.
     */
    private void joinLobby(Connection joiner, String lobby) throws ProtocolException {
        Reservation reservation =
                store.reservePeerId(joiner, lobby, peerIds::nextGuest, clock.instant());
        if (reservation instanceof Reservation.Refused refused) {
            throw new ProtocolException(reasonFor(refused.refusal()));
        }
        Reservation.Reserved reserved = (Reservation.Reserved) reservation;
        Outbox outbox = outboxes.get();
        if (outbox.send(
                joiner.connectionId(), Message.id(reserved.peerId(), reserved.mode().isMesh()))) {
            JoinOutcome outcome = store.admit(joiner, lobby, reserved.peerId(), clock.instant());
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

    /** PEER_CONNECT(joiner) to each of {@code peers}. */
    private static List<Outbox.Addressed> toldOfJoiner(
            JoinOutcome.Joined joined, Stream<Member> peers) {
        return peers.map(
                        other ->
                                Outbox.Addressed.to(
                                        joined.lobby(),
                                        other,
                                        Message.peerConnect(joined.peerId())))
                .toList();
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
     * To the joiner, after its ID: ICE servers, its resume token, one PEER_CONNECT per linked
     * earlier peer, JOIN, then the lobby's data if it has any; to each of those:
     * PEER_CONNECT(joiner).
     */
    private void announce(Connection joiner, JoinOutcome.Joined joined, Outbox outbox) {
        if (joined.peerId() == PeerIds.HOST) {
            events.lobbyCreated(joined.lobby());
        }
        events.joined(joined.lobby(), joined.peerId());
        if (joiner.extensions() && iceServers.configured()) {
            // Before any PEER_CONNECT, so the client creates its peer connections with them.
            String user = Games.nameOf(joined.lobby()) + "-" + joined.peerId();
            outbox.send(
                    joiner.connectionId(),
                    Message.iceServers(iceServers.forPeer(user, clock.instant())));
        }
        resumes.tokenFor(joiner, joined.lobby(), joined.peerId())
                .ifPresent(token -> outbox.send(joiner.connectionId(), token));
        // Each pair is introduced so that its offer cannot overtake an introduction: the larger id
        // offers as soon as it hears of the other (the demo's rule, and our clients'), so the
        // smaller id hears first. The peers the joiner will offer to learn of it first, all at
        // once (in parallel where the channel can); then the joiner learns of every peer; then
        // the peers that will offer to the joiner learn of it.
        List<Member> linked =
                joined.earlier().stream()
                        .filter(o -> LobbyRules.linked(joined.mode(), joined.peerId(), o.peerId()))
                        .toList();
        outbox.sendAll(
                toldOfJoiner(joined, linked.stream().filter(o -> o.peerId() < joined.peerId())));
        for (Member other : linked) {
            outbox.send(joiner.connectionId(), Message.peerConnect(other.peerId()));
        }
        outbox.sendAll(
                toldOfJoiner(joined, linked.stream().filter(o -> o.peerId() > joined.peerId())));
        outbox.send(joiner.connectionId(), Message.joined(Games.nameOf(joined.lobby())));
        if (joiner.extensions() && joined.data().isPresent()) {
            outbox.send(joiner.connectionId(), Message.lobbyData(joined.data().get().json()));
        }
    }
}
