package dev.godotsignal.signaling;

import dev.godotsignal.discovery.DiscoveryStore;
import dev.godotsignal.discovery.ListCursor;
import dev.godotsignal.discovery.ListedPage;
import dev.godotsignal.discovery.LobbyDataOutcome;
import dev.godotsignal.discovery.LobbyDataUpdate;
import dev.godotsignal.discovery.LobbyListing;
import dev.godotsignal.discovery.MatchPool;
import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.DeadlineOutcome;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.JoinRefusal;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.LobbyData;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.lobby.Reservation;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.OrderingGate;
import dev.godotsignal.relay.RelayIntent;
import dev.godotsignal.resume.Keeping;
import dev.godotsignal.resume.ResumeRefusal;
import dev.godotsignal.resume.ResumeStore;
import dev.godotsignal.resume.ResumeToken;
import dev.godotsignal.resume.Resumption;
import dev.godotsignal.resume.Suspension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The store port in memory, for fast tests of the service's rules (as Powertools keeps an in-memory
 * persistence store): the same contract as the DynamoDB store, each call atomic (synchronized),
 * without expiry. {@code DynamoDbSignalingStoreTest} holds the real store to the same behaviours.
 */
public final class InMemorySignalingStore implements SignalingStore, DiscoveryStore, ResumeStore {
    private final Map<String, ConnectionRecord> connections = new HashMap<>();
    private final Map<String, LobbyRecord> lobbies = new HashMap<>();
    private final Map<String, String> turns = new HashMap<>();
    private long created;
    private Runnable afterNextRead;

    private static final class ConnectionRecord {
        final String id;
        final boolean extensions;
        final String game;
        final Optional<String> allowedLobby;
        final Optional<String> player;
        final Optional<String> resumeSecret;
        Optional<String> previousSecret = Optional.empty();
        Connection.Membership membership;
        long window = -1;
        int count;
        long frames;
        final Map<Integer, Long> opened = new HashMap<>();
        final Map<Integer, Long> delivered = new HashMap<>();
        final Map<Integer, List<String>> held = new HashMap<>();

        ConnectionRecord(Connection connection) {
            this.id = connection.connectionId();
            this.extensions = connection.extensions();
            this.game = connection.game();
            this.allowedLobby = connection.allowedLobby();
            this.player = connection.player();
            this.resumeSecret = connection.resumeSecret();
            this.membership = connection.membership().orElse(null);
        }

        Connection view() {
            return new Connection(
                    id,
                    extensions,
                    game,
                    allowedLobby,
                    player,
                    resumeSecret,
                    Optional.ofNullable(membership),
                    frames > 0);
        }
    }

    /** A held member: suspended until {@code resumeBy} (empty once resumed), and what is kept. */
    private static final class Hold {
        Optional<Instant> resumeBy;
        final List<String> kept = new ArrayList<>();

        Hold(Optional<Instant> resumeBy) {
            this.resumeBy = resumeBy;
        }
    }

    private static final class LobbyRecord {
        final String key;
        final LobbyMode mode;
        final long order;
        int maxPeers;
        boolean isPublic;
        Optional<FlatData> data = Optional.empty();
        boolean sealed;
        long joinSeq = 1;
        final Map<Integer, Member> members = new LinkedHashMap<>();
        final Map<Integer, String> reserved = new HashMap<>();
        final Set<Integer> seats = new HashSet<>();
        final Map<Integer, String> left = new HashMap<>();
        final Map<Integer, Hold> holds = new HashMap<>();

        LobbyRecord(String key, LobbyMode mode, int maxPeers, long order) {
            this.key = key;
            this.mode = mode;
            this.maxPeers = maxPeers;
            this.order = order;
        }

        List<Member> present() {
            return members.values().stream().sorted(Comparator.comparingLong(Member::seq)).toList();
        }

        /** Members and held seats, as the DynamoDB store counts them. */
        int peers() {
            return members.size() + seats.size();
        }

        boolean listed() {
            return isPublic && !sealed && peers() < maxPeers;
        }

        String orderKey() {
            return String.format("%013d#%s", order, key);
        }

        LobbyListing listing() {
            return new LobbyListing(
                    Games.nameOf(key), peers(), maxPeers, mode, data.orElse(FlatData.EMPTY), order);
        }

        LobbyData lobbyData() {
            return new LobbyData(isPublic, maxPeers, mode, data.orElse(FlatData.EMPTY), peers());
        }
    }

    @Override
    public synchronized void putConnection(
            Connection connection, Limits.RateWindow firstWindow, Instant now) {
        connections.put(connection.connectionId(), new ConnectionRecord(connection));
    }

    @Override
    public synchronized Optional<Connection> connection(String connectionId, Instant now) {
        Optional<Connection> found =
                Optional.ofNullable(connections.get(connectionId)).map(ConnectionRecord::view);
        Runnable meanwhile = afterNextRead;
        afterNextRead = null;
        if (meanwhile != null) {
            meanwhile.run();
        }
        return found;
    }

    /**
     * Runs {@code meanwhile} right after the next read of a connection, before the reader gets its
     * (by then stale) answer: another invocation's work racing the reader's.
     */
    synchronized void afterNextRead(Runnable meanwhile) {
        afterNextRead = meanwhile;
    }

    @Override
    public synchronized DeadlineOutcome expireUnjoined(
            String connectionId, boolean unlessHeard, Instant now) {
        ConnectionRecord record = connections.get(connectionId);
        if (record == null) {
            return new DeadlineOutcome.Gone();
        }
        if (record.membership != null) {
            return new DeadlineOutcome.Joined();
        }
        if (unlessHeard && record.frames > 0) {
            return new DeadlineOutcome.JoinInFlight();
        }
        connections.remove(connectionId);
        return new DeadlineOutcome.Expired(record.view());
    }

    @Override
    public synchronized MessageAdmission admitMessage(
            String connectionId, Limits.RateWindow window, RelayIntent relay, Instant now) {
        ConnectionRecord record = connections.get(connectionId);
        if (record == null) {
            return new MessageAdmission.UnknownConnection();
        }
        if (window.limited()) {
            if (record.window != window.index()) {
                record.window = window.index();
                record.count = 0;
            }
            if (record.count >= window.budget()) {
                return new MessageAdmission.RateLimited(record.view());
            }
        }
        record.count++;
        record.frames++;
        OrderingGate gate;
        if (relay instanceof RelayIntent.Description description) {
            long generation = record.opened.merge(description.to(), 1L, Long::sum);
            gate = new OrderingGate.Opened(generation);
        } else if (relay instanceof RelayIntent.Candidate candidate) {
            Long opened = record.opened.get(candidate.to());
            gate =
                    opened != null && opened.equals(record.delivered.get(candidate.to()))
                            ? new OrderingGate.Clear()
                            : new OrderingGate.Closed();
        } else {
            gate = new OrderingGate.NotRelayed();
        }
        return new MessageAdmission.Admitted(record.view(), gate);
    }

    @Override
    public synchronized JoinOutcome createLobby(
            Connection creator,
            LobbyMode mode,
            int maxPeers,
            Supplier<String> names,
            int maxLobbies,
            Instant now) {
        return open(creator, mode, maxPeers, false, Optional.empty(), names, maxLobbies);
    }

    private JoinOutcome open(
            Connection creator,
            LobbyMode mode,
            int maxPeers,
            boolean isPublic,
            Optional<FlatData> data,
            Supplier<String> names,
            int maxLobbies) {
        ConnectionRecord record = connections.get(creator.connectionId());
        if (record == null) {
            return new JoinOutcome.NotConnected();
        }
        if (record.membership != null) {
            return new JoinOutcome.Refused(JoinRefusal.ALREADY_IN_LOBBY);
        }
        if (lobbies.size() >= maxLobbies) {
            return new JoinOutcome.Refused(JoinRefusal.TOO_MANY_LOBBIES);
        }
        String name = names.get();
        while (lobbies.containsKey(name)) {
            name = names.get();
        }
        LobbyRecord lobby = new LobbyRecord(name, mode, maxPeers, ++created);
        lobby.isPublic = isPublic;
        lobby.data = data;
        lobby.members.put(
                PeerIds.HOST,
                new Member(PeerIds.HOST, creator.connectionId(), creator.extensions(), 1));
        lobbies.put(name, lobby);
        record.membership = new Connection.Membership(name, PeerIds.HOST, mode);
        return new JoinOutcome.Joined(
                name, PeerIds.HOST, mode, List.of(), data.map(d -> lobby.lobbyData()));
    }

    @Override
    public synchronized Reservation reservePeerId(
            Connection joiner, String lobby, IntSupplier peerIds, Instant now) {
        LobbyRecord record = lobbies.get(lobby);
        Optional<JoinRefusal> refusal = refusal(record);
        if (refusal.isPresent()) {
            return new Reservation.Refused(refusal.get());
        }
        int peerId = peerIds.getAsInt();
        while (record.members.containsKey(peerId)
                || record.reserved.containsKey(peerId)
                || record.left.containsKey(peerId)) {
            peerId = peerIds.getAsInt();
        }
        record.reserved.put(peerId, joiner.connectionId());
        return new Reservation.Reserved(lobby, peerId, record.mode);
    }

    @Override
    public synchronized JoinOutcome admit(
            Connection joiner, String lobby, int peerId, Instant now) {
        LobbyRecord record = lobbies.get(lobby);
        ConnectionRecord connection = connections.get(joiner.connectionId());
        Optional<JoinRefusal> refusal = refusal(record);
        if (refusal.isPresent()) {
            if (record != null) {
                record.reserved.remove(peerId, joiner.connectionId());
            }
            return new JoinOutcome.Refused(refusal.get());
        }
        if (connection == null) {
            record.reserved.remove(peerId, joiner.connectionId());
            return new JoinOutcome.NotConnected();
        }
        if (connection.membership != null) {
            record.reserved.remove(peerId, joiner.connectionId());
            return new JoinOutcome.Refused(JoinRefusal.ALREADY_IN_LOBBY);
        }
        if (!joiner.connectionId().equals(record.reserved.remove(peerId))) {
            return new JoinOutcome.NotConnected();
        }
        List<Member> earlier = record.present();
        long seq = ++record.joinSeq;
        record.members.put(
                peerId, new Member(peerId, joiner.connectionId(), joiner.extensions(), seq));
        connection.membership = new Connection.Membership(lobby, peerId, record.mode);
        return new JoinOutcome.Joined(
                lobby, peerId, record.mode, earlier, record.data.map(d -> record.lobbyData()));
    }

    private static Optional<JoinRefusal> refusal(LobbyRecord lobby) {
        if (lobby == null) {
            return Optional.of(JoinRefusal.LOBBY_NOT_FOUND);
        }
        if (lobby.sealed) {
            return Optional.of(JoinRefusal.LOBBY_SEALED);
        }
        if (lobby.peers() >= lobby.maxPeers) {
            return Optional.of(JoinRefusal.LOBBY_FULL);
        }
        return Optional.empty();
    }

    @Override
    public synchronized MemberLookup member(String lobby, int peerId, Instant now) {
        LobbyRecord record = lobbies.get(lobby);
        if (record == null) {
            return new MemberLookup.Unknown();
        }
        Member member = record.members.get(peerId);
        if (member != null) {
            return record.holds.containsKey(peerId)
                    ? new MemberLookup.Held(member)
                    : new MemberLookup.Present(member);
        }
        return record.left.containsKey(peerId)
                ? new MemberLookup.RecentlyLeft()
                : new MemberLookup.Unknown();
    }

    @Override
    public synchronized List<String> descriptionDelivered(
            String connectionId, Connection.Membership sender, int to, long generation) {
        ConnectionRecord record = connections.get(connectionId);
        if (record == null) {
            // Replaced by a resume: the gate moved with the peer.
            LobbyRecord lobby = lobbies.get(sender.lobby());
            Member member = lobby == null ? null : lobby.members.get(sender.peerId());
            record = member == null ? null : connections.get(member.connectionId());
        }
        if (record == null || !Long.valueOf(generation).equals(record.opened.get(to))) {
            return List.of();
        }
        record.delivered.put(to, generation);
        List<String> held = record.held.remove(to);
        return held == null ? List.of() : held;
    }

    @Override
    public synchronized boolean holdCandidate(String connectionId, int to, String data) {
        ConnectionRecord record = connections.get(connectionId);
        if (record == null
                || (record.delivered.containsKey(to)
                        && record.delivered.get(to).equals(record.opened.get(to)))) {
            return false;
        }
        record.held.computeIfAbsent(to, k -> new ArrayList<>()).add(data);
        return true;
    }

    @Override
    public synchronized Optional<Lobby> lobby(String lobby, Instant now) {
        return Optional.ofNullable(lobbies.get(lobby))
                .map(r -> new Lobby(lobby, r.mode, r.sealed, r.present()));
    }

    @Override
    public synchronized Optional<Lobby> seal(String lobby, Instant now) {
        LobbyRecord record = lobbies.get(lobby);
        if (record == null) {
            return Optional.empty();
        }
        record.sealed = true;
        return Optional.of(new Lobby(lobby, record.mode, true, record.present()));
    }

    @Override
    public synchronized LeaveOutcome removeConnection(String connectionId, Instant now) {
        ConnectionRecord connection = connections.remove(connectionId);
        if (connection == null || connection.membership == null) {
            return new LeaveOutcome.NotInLobby();
        }
        Connection.Membership membership = connection.membership;
        LobbyRecord lobby = lobbies.get(membership.lobby());
        if (membership.peerId() == PeerIds.HOST) {
            if (lobby == null) {
                return new LeaveOutcome.Left(
                        membership.lobby(),
                        PeerIds.HOST,
                        membership.mode(),
                        false,
                        true,
                        List.of());
            }
            lobbies.remove(membership.lobby());
            List<Member> remaining =
                    lobby.present().stream().filter(m -> m.peerId() != PeerIds.HOST).toList();
            return new LeaveOutcome.Left(
                    membership.lobby(),
                    PeerIds.HOST,
                    membership.mode(),
                    lobby.sealed,
                    true,
                    remaining);
        }
        if (lobby == null) {
            return new LeaveOutcome.Left(
                    membership.lobby(),
                    membership.peerId(),
                    membership.mode(),
                    false,
                    true,
                    List.of());
        }
        Member member = lobby.members.get(membership.peerId());
        if (member == null || !member.connectionId().equals(connectionId)) {
            return new LeaveOutcome.NotInLobby(); // it left already, or resumed elsewhere
        }
        lobby.members.remove(membership.peerId());
        lobby.holds.remove(membership.peerId());
        lobby.left.put(membership.peerId(), connectionId);
        return new LeaveOutcome.Left(
                membership.lobby(),
                membership.peerId(),
                membership.mode(),
                lobby.sealed,
                false,
                lobby.present());
    }

    // ---- Discovery

    @Override
    public synchronized ListedPage listed(
            String game, int limit, Optional<ListCursor> after, Instant now) {
        List<LobbyRecord> listed =
                lobbies.values().stream()
                        .filter(l -> l.listed() && Games.gameOf(l.key).equals(game))
                        .filter(
                                l ->
                                        after.isEmpty()
                                                || l.orderKey().compareTo(after.get().order()) > 0)
                        .sorted(Comparator.comparing(LobbyRecord::orderKey))
                        .toList();
        List<LobbyRecord> page = listed.subList(0, Math.min(limit, listed.size()));
        Optional<ListCursor> next =
                listed.size() > limit
                        ? Optional.of(
                                new ListCursor(
                                        page.get(page.size() - 1).orderKey(),
                                        page.get(page.size() - 1).key))
                        : Optional.empty();
        return new ListedPage(page.stream().map(LobbyRecord::listing).toList(), next);
    }

    @Override
    public synchronized List<LobbyListing> matchCandidates(MatchPool pool, int limit, Instant now) {
        return lobbies.values().stream()
                .filter(
                        l ->
                                l.listed()
                                        && MatchPool.indexKey(
                                                        Games.gameOf(l.key), l.mode, l.maxPeers)
                                                .equals(pool.indexKey()))
                .sorted(Comparator.comparing(LobbyRecord::orderKey))
                .limit(limit)
                .map(LobbyRecord::listing)
                .toList();
    }

    @Override
    public synchronized Optional<String> poolTurn(MatchPool pool, int lane) {
        return Optional.ofNullable(turns.get(pool.turnKey(lane)));
    }

    @Override
    public synchronized JoinOutcome openForMatch(
            Connection host,
            MatchPool pool,
            int lane,
            Optional<String> seenTurn,
            FlatData data,
            Supplier<String> names,
            int maxLobbies,
            Instant now) {
        String turn = turns.get(pool.turnKey(lane));
        if (turn != null && !seenTurn.equals(Optional.of(turn))) {
            return new JoinOutcome.Superseded(turn);
        }
        JoinOutcome outcome =
                open(
                        host,
                        pool.mode(),
                        pool.maxPeers(),
                        true,
                        Optional.of(data),
                        names,
                        maxLobbies);
        if (outcome instanceof JoinOutcome.Joined joined) {
            turns.put(pool.turnKey(lane), joined.lobby());
        }
        return outcome;
    }

    @Override
    public synchronized Reservation holdSeat(
            Connection joiner, String lobby, MatchPool pool, IntSupplier peerIds, Instant now) {
        LobbyRecord record = lobbies.get(lobby);
        if (record != null
                && !(record.isPublic
                        && MatchPool.indexKey(Games.gameOf(lobby), record.mode, record.maxPeers)
                                .equals(pool.indexKey()))) {
            return new Reservation.Refused(JoinRefusal.LOBBY_NOT_FOUND);
        }
        Reservation reservation = reservePeerId(joiner, lobby, peerIds, now);
        if (reservation instanceof Reservation.Reserved reserved) {
            record.reserved.remove(reserved.peerId());
            record.seats.add(reserved.peerId());
        }
        return reservation;
    }

    @Override
    public synchronized JoinOutcome admitToSeat(
            Connection joiner, String lobby, int peerId, Instant now) {
        LobbyRecord record = lobbies.get(lobby);
        if (record == null) {
            return new JoinOutcome.Refused(JoinRefusal.LOBBY_NOT_FOUND);
        }
        if (!record.seats.remove(peerId)) {
            return new JoinOutcome.Refused(JoinRefusal.LOBBY_FULL);
        }
        record.reserved.put(peerId, joiner.connectionId());
        return admit(joiner, lobby, peerId, now);
    }

    @Override
    public synchronized void releaseSeat(String lobby, int peerId, Instant now) {
        Optional.ofNullable(lobbies.get(lobby)).ifPresent(l -> l.seats.remove(peerId));
    }

    @Override
    public synchronized LobbyDataOutcome updateLobbyData(
            String lobby, LobbyDataUpdate update, Instant now) {
        LobbyRecord record = lobbies.get(lobby);
        if (record == null) {
            return new LobbyDataOutcome.Refused(LobbyDataOutcome.Refusal.LOBBY_GONE);
        }
        if (record.sealed) {
            return new LobbyDataOutcome.Refused(LobbyDataOutcome.Refusal.LOBBY_SEALED);
        }
        int maxPeers = update.maxPeers().orElse(record.maxPeers);
        if (maxPeers < record.peers()) {
            return new LobbyDataOutcome.Refused(LobbyDataOutcome.Refusal.BELOW_PEER_COUNT);
        }
        record.maxPeers = maxPeers;
        update.isPublic().ifPresent(p -> record.isPublic = p);
        record.data = Optional.of(update.data().orElse(record.data.orElse(FlatData.EMPTY)));
        return new LobbyDataOutcome.Changed(record.lobbyData(), record.present());
    }

    @Override
    public synchronized Optional<LobbyData> lobbyData(String lobby, Instant now) {
        return Optional.ofNullable(lobbies.get(lobby))
                .filter(l -> l.data.isPresent())
                .map(LobbyRecord::lobbyData);
    }

    // ---- Resuming

    @Override
    public synchronized Suspension suspend(String connectionId, Instant resumeBy, Instant now) {
        ConnectionRecord record = connections.get(connectionId);
        if (record == null) {
            return new Suspension.NoRecord();
        }
        if (!record.extensions || record.membership == null) {
            return new Suspension.NotSuspendable();
        }
        String key = record.membership.lobby();
        int peerId = record.membership.peerId();
        LobbyRecord lobby = lobbies.get(key);
        Member member = lobby == null ? null : lobby.members.get(peerId);
        if (member == null || !member.connectionId().equals(connectionId)) {
            return new Suspension.NotSuspendable();
        }
        Hold hold = lobby.holds.get(peerId);
        if (hold != null && hold.resumeBy.isPresent()) {
            return new Suspension.AlreadySuspended(key, peerId);
        }
        if (hold == null) {
            lobby.holds.put(peerId, new Hold(Optional.of(resumeBy)));
        } else {
            hold.resumeBy = Optional.of(resumeBy); // dropped again while being greeted
        }
        return new Suspension.Suspended(key, peerId);
    }

    @Override
    public synchronized Keeping keep(String lobby, int peerId, List<String> frames, Instant now) {
        LobbyRecord record = lobbies.get(lobby);
        Member member = record == null ? null : record.members.get(peerId);
        if (member == null) {
            return new Keeping.Gone();
        }
        Hold hold = record.holds.get(peerId);
        if (hold == null) {
            return new Keeping.Active(member);
        }
        hold.kept.addAll(frames);
        int dropped = 0;
        while (bytes(hold.kept) > KEPT_BUDGET_BYTES) {
            hold.kept.remove(0);
            dropped++;
        }
        return new Keeping.Kept(dropped);
    }

    private static long bytes(List<String> frames) {
        return frames.stream()
                .mapToLong(f -> f.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .sum();
    }

    @Override
    public synchronized Resumption resume(Connection fresh, ResumeToken token, Instant now) {
        LobbyRecord lobby = lobbies.get(token.lobby());
        Member member = lobby == null ? null : lobby.members.get(token.peerId());
        if (member == null) {
            return new Resumption.Refused(ResumeRefusal.GONE);
        }
        Hold hold = lobby.holds.get(token.peerId());
        if (hold != null && hold.resumeBy.filter(by -> !by.isAfter(now)).isPresent()) {
            return new Resumption.Refused(ResumeRefusal.GONE);
        }
        ConnectionRecord old = connections.get(member.connectionId());
        if (old == null) {
            return new Resumption.Refused(ResumeRefusal.GONE);
        }
        if (!(token.secretMatches(old.resumeSecret.orElse(null))
                        || token.secretMatches(old.previousSecret.orElse(null)))
                || !old.player.equals(fresh.player())
                || !old.game.equals(fresh.game())) {
            return new Resumption.Refused(ResumeRefusal.FORBIDDEN);
        }
        boolean wasSuspended = hold != null && hold.resumeBy.isPresent();
        Connection resumed = fresh.joined(old.membership);
        connections.remove(old.id);
        ConnectionRecord record = new ConnectionRecord(resumed);
        record.opened.putAll(old.opened); // its gates start open (see Suspensions.resume)
        record.delivered.putAll(old.opened);
        old.held.forEach((to, held) -> record.held.put(to, new ArrayList<>(held)));
        record.frames = old.frames; // the count runs on across the peer's connections
        record.previousSecret = Optional.of(token.secret());
        connections.put(resumed.connectionId(), record);
        lobby.members.put(
                token.peerId(),
                new Member(token.peerId(), resumed.connectionId(), true, member.seq()));
        if (hold == null) {
            lobby.holds.put(token.peerId(), new Hold(Optional.empty()));
        } else {
            hold.resumeBy = Optional.empty();
        }
        return new Resumption.Resumed(
                resumed, old.frames, wasSuspended ? Optional.empty() : Optional.of(old.id));
    }

    @Override
    public synchronized void tokenDelivered(String connectionId) {
        Optional.ofNullable(connections.get(connectionId))
                .ifPresent(record -> record.previousSecret = Optional.empty());
    }

    @Override
    public synchronized Optional<List<String>> drain(
            String lobby, int peerId, String connectionId) {
        LobbyRecord record = lobbies.get(lobby);
        Member member = record == null ? null : record.members.get(peerId);
        if (member == null || !member.connectionId().equals(connectionId)) {
            return Optional.empty();
        }
        Hold hold = record.holds.get(peerId);
        if (hold == null) {
            return Optional.of(List.of());
        }
        List<String> kept = List.copyOf(hold.kept);
        hold.kept.clear();
        return Optional.of(kept);
    }

    @Override
    public synchronized boolean release(String lobby, int peerId, String connectionId) {
        LobbyRecord record = lobbies.get(lobby);
        Member member = record == null ? null : record.members.get(peerId);
        if (member == null || !member.connectionId().equals(connectionId)) {
            return false;
        }
        Hold hold = record.holds.get(peerId);
        if (hold != null && (!hold.kept.isEmpty() || hold.resumeBy.isPresent())) {
            return false;
        }
        record.holds.remove(peerId);
        return true;
    }

    /** Test access: the frames kept for a held peer (empty when it is not held). */
    public synchronized List<String> kept(String lobby, int peerId) {
        LobbyRecord record = lobbies.get(lobby);
        Hold hold = record == null ? null : record.holds.get(peerId);
        return hold == null ? List.of() : List.copyOf(hold.kept);
    }

    /** Test access: how many lobbies exist (a destroyed lobby must be gone). */
    public synchronized int lobbyCount() {
        return lobbies.size();
    }

    /** Test access: how many connections are recorded. */
    public synchronized int connectionCount() {
        return connections.size();
    }
}
