package dev.godotsignal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.discovery.LobbyDataOutcome;
import dev.godotsignal.discovery.LobbyDataUpdate;
import dev.godotsignal.discovery.MatchPool;
import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.DeadlineOutcome;
import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.JoinRefusal;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.lobby.Member;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.lobby.Reservation;
import dev.godotsignal.localdb.DynamoDbLocal;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.OrderingGate;
import dev.godotsignal.relay.RelayIntent;
import dev.godotsignal.signaling.SignalingStore;
import dev.godotsignal.template.SamTemplate;
import dev.godotsignal.testing.TestGateways;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** The store against DynamoDB Local, with the tables the template declares. */
public class DynamoDbSignalingStoreTest {
    static DynamoDbLocal dynamo;
    static List<SamTemplate.TableSpec> specs;
    static final LobbyNames NAMES = new LobbyNames(new SecureRandom());
    static final PeerIds IDS = new PeerIds(new SecureRandom());
    static final AtomicInteger TABLE_SETS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        dynamo = DynamoDbLocal.start(Optional.empty());
        specs = SamTemplate.load(TestGateways.template(), Map.of()).tables();
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    /** A store on its own fresh pair of tables (so the live-lobby counter starts at zero). */
    static SignalingStore freshStore() {
        String suffix = "-" + TABLE_SETS.incrementAndGet();
        List<SamTemplate.TableSpec> renamed =
                specs.stream()
                        .map(
                                t ->
                                        new SamTemplate.TableSpec(
                                                t.logicalId(),
                                                t.tableName() + suffix,
                                                t.keys(),
                                                t.attributeTypes(),
                                                t.globalIndexes(),
                                                t.ttlAttribute()))
                        .toList();
        dynamo.createTables(renamed);
        return new DynamoDbSignalingStore(
                dynamo.client(),
                new TableNames("ConnectionsTable" + suffix, "LobbiesTable" + suffix));
    }

    static Connection connected(SignalingStore store, Instant now) {
        return connected(store, false, now);
    }

    /**
     * A 410 from a peer's old connection can race its resume: the suspension reads the old record,
     * the resume moves the member and deletes that record, then the suspension's write finds the
     * member on the new connection. The frames the old connection missed must follow the peer
     * (NoRecord, as when the record is already gone), not be dropped as if it had left.
     */
    @Test
    void aSuspensionThatLosesTheRaceToAResumeLetsTheFramesFollowThePeer() {
        Instant now = Instant.now();
        DynamoDbSignalingStore store = (DynamoDbSignalingStore) freshStore();
        String connections = "ConnectionsTable-" + TABLE_SETS.get();
        String oldId = UUID.randomUUID().toString();
        JoinOutcome.Joined host = resumableHost(store, oldId, now);
        // What the suspension read before the resume committed.
        var oldRecord =
                dynamo.client()
                        .getItem(
                                b ->
                                        b.tableName(connections)
                                                .key(
                                                        Map.of(
                                                                dev.godotsignal.store.Items
                                                                        .CONNECTION_ID,
                                                                software.amazon.awssdk.services
                                                                        .dynamodb.model
                                                                        .AttributeValue.fromS(
                                                                        oldId)))
                                                .consistentRead(true))
                        .item();
        String newId = UUID.randomUUID().toString();
        assertInstanceOf(
                dev.godotsignal.resume.Resumption.Resumed.class,
                resumeHost(store, host, newId, now));
        // The record as the suspension saw it, so its write is the one that meets the moved member.
        dynamo.client().putItem(b -> b.tableName(connections).item(oldRecord));

        assertInstanceOf(
                dev.godotsignal.resume.Suspension.NoRecord.class,
                store.suspend(oldId, now.plusSeconds(20), now));
    }

    /** A sender's membership where the gate tests need one: only a resume would consult it. */
    public static final Connection.Membership NO_LOBBY =
            new Connection.Membership("no-lobby", 2, LobbyMode.MESH);

    /** An ext connection that may resume with {@code secret}. */
    static Connection resumable(String connectionId, String secret) {
        return Connection.arriving(
                connectionId,
                true,
                Games.DEFAULT,
                Optional.empty(),
                Optional.empty(),
                Optional.of(secret));
    }

    /** A lobby created by an ext connection that may resume with {@link #OLD_SECRET}. */
    static JoinOutcome.Joined resumableHost(
            SignalingStore store, String connectionId, Instant now) {
        store.putConnection(
                resumable(connectionId, OLD_SECRET), Limits.defaults().rateWindow(now), now);
        return assertInstanceOf(
                JoinOutcome.Joined.class,
                store.createLobby(
                        store.connection(connectionId, now).orElseThrow(),
                        LobbyMode.MESH,
                        CAP,
                        NAMES::next,
                        100,
                        now));
    }

    /** The host of {@link #resumableHost} resuming on {@code connectionId}. */
    static dev.godotsignal.resume.Resumption resumeHost(
            DynamoDbSignalingStore store,
            JoinOutcome.Joined host,
            String connectionId,
            Instant now) {
        return store.resume(
                resumable(connectionId, "new-secret-0123456789a"),
                new dev.godotsignal.resume.ResumeToken(host.lobby(), host.peerId(), OLD_SECRET),
                now);
    }

    static final String OLD_SECRET = "old-secret-0123456789a";

    /**
     * The host's OFFER is being delivered while its candidates wait at the gate, and its socket
     * drops and resumes before the delivery is done: the candidates (already counted as received,
     * so the client will not send them again) move to the new connection's record, and the delivery
     * mark, finding the old record gone, releases them from there, once.
     */
    @Test
    void candidatesHeldForADescriptionFollowTheSenderThroughAResume() {
        Instant now = Instant.now();
        DynamoDbSignalingStore store = (DynamoDbSignalingStore) freshStore();
        String oldId = UUID.randomUUID().toString();
        JoinOutcome.Joined host = resumableHost(store, oldId, now);
        Connection.Membership sender =
                new Connection.Membership(host.lobby(), host.peerId(), LobbyMode.MESH);
        long generation =
                ((OrderingGate.Opened)
                                admit(store, oldId, new RelayIntent.Description(2), true, now))
                        .generation();
        for (String c : List.of("c1", "c2")) {
            assertEquals(
                    new OrderingGate.Closed(),
                    admit(store, oldId, new RelayIntent.Candidate(2), true, now));
            assertTrue(store.holdCandidate(oldId, 2, c));
        }
        String newId = UUID.randomUUID().toString();
        var resumed =
                assertInstanceOf(
                        dev.godotsignal.resume.Resumption.Resumed.class,
                        resumeHost(store, host, newId, now));
        assertEquals(3, resumed.received(), "the OFFER and both candidates were received");

        assertEquals(
                List.of("c1", "c2"),
                store.descriptionDelivered(oldId, sender, 2, generation),
                "released from the connection the peer resumed on");
        assertEquals(List.of(), store.descriptionDelivered(oldId, sender, 2, generation));
        assertEquals(
                new OrderingGate.Clear(),
                admit(store, newId, new RelayIntent.Candidate(2), true, now),
                "the resumed connection's gate is open");
    }

    /**
     * The old connection's invocations still run while its peer resumes: one counts a candidate and
     * holds it between the resume's read and its write. The resume must not copy a count and gates
     * that are stale by then (the candidate would be lost, or the client told to send it again):
     * its write fails on the changed record, and it reads again.
     */
    @Test
    void aResumeReadsAgainWhenTheOldConnectionCountsAFrameMeanwhile() {
        Instant now = Instant.now();
        DynamoDbSignalingStore store = (DynamoDbSignalingStore) freshStore();
        String oldId = UUID.randomUUID().toString();
        JoinOutcome.Joined host = resumableHost(store, oldId, now);
        long generation =
                ((OrderingGate.Opened)
                                admit(store, oldId, new RelayIntent.Description(2), true, now))
                        .generation();
        AtomicInteger interleaved = new AtomicInteger();
        DynamoDbClient client =
                clientSeeing(
                        request -> {
                            if (request
                                            instanceof
                                            software.amazon.awssdk.services.dynamodb.model
                                                    .TransactWriteItemsRequest
                                    && interleaved.getAndIncrement() == 0) {
                                // The old connection's candidate, counted and held meanwhile.
                                admit(store, oldId, new RelayIntent.Candidate(2), true, now);
                                store.holdCandidate(oldId, 2, "late");
                            }
                        });
        DynamoDbSignalingStore resumer = new DynamoDbSignalingStore(client, store.tables());
        String newId = UUID.randomUUID().toString();
        var resumed =
                assertInstanceOf(
                        dev.godotsignal.resume.Resumption.Resumed.class,
                        resumeHost(resumer, host, newId, now));
        assertEquals(2, interleaved.get(), "the first write failed, the second went through");
        assertEquals(2, resumed.received(), "the candidate counted meanwhile is acknowledged");
        assertEquals(
                List.of("late"),
                store.descriptionDelivered(
                        oldId,
                        new Connection.Membership(host.lobby(), host.peerId(), LobbyMode.MESH),
                        2,
                        generation));
    }

    /** The window of the defaults' limit (50 a second, bursts of 400), or no limit. */
    static Limits.RateWindow rateWindow(boolean rateLimited, Instant now) {
        return rateLimited ? Limits.defaults().rateWindow(now) : Limits.RateWindow.UNLIMITED;
    }

    /** A whole join, as the service does it: reserve an id, then admit it. */
    public static JoinOutcome join(
            SignalingStore store,
            Connection joiner,
            String lobby,
            java.util.function.IntSupplier ids,
            Instant now) {
        Reservation reserved = store.reservePeerId(joiner, lobby, ids, now);
        if (reserved instanceof Reservation.Refused refused) {
            return new JoinOutcome.Refused(refused.refusal());
        }
        Reservation.Reserved r = (Reservation.Reserved) reserved;
        return store.admit(joiner, lobby, r.peerId(), now);
    }

    /** The size of the lobbies these tests create. */
    public static final int CAP = 8;

    /** Joins {@code guest} to {@code lobby}, which must admit it; its peer id. */
    static int joinedId(SignalingStore store, Connection guest, String lobby, Instant now) {
        return assertInstanceOf(
                        JoinOutcome.Joined.class, join(store, guest, lobby, IDS::nextGuest, now))
                .peerId();
    }

    static String createLobby(SignalingStore store, LobbyMode mode, int maxPeers, Instant now) {
        JoinOutcome outcome =
                store.createLobby(connected(store, now), mode, maxPeers, NAMES::next, 100, now);
        JoinOutcome.Joined joined = assertInstanceOf(JoinOutcome.Joined.class, outcome);
        assertEquals(1, joined.peerId());
        return joined.lobby();
    }

    @Test
    void theCreatorIsPeerOneAndTheConnectionRecordsItsMembership() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        Connection host = connected(store, now);
        JoinOutcome.Joined joined =
                (JoinOutcome.Joined)
                        store.createLobby(host, LobbyMode.CLIENT_SERVER, CAP, NAMES::next, 10, now);
        Connection after = store.connection(host.connectionId(), now).orElseThrow();
        assertEquals(
                Optional.of(new Connection.Membership(joined.lobby(), 1, LobbyMode.CLIENT_SERVER)),
                after.membership());
    }

    @Test
    void aNameAlreadyLiveIsNeverReused() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String first = createLobby(store, LobbyMode.MESH, CAP, now);
        List<String> names = new ArrayList<>(List.of(first, first, "SecondName0000000000x"));
        JoinOutcome.Joined second =
                (JoinOutcome.Joined)
                        store.createLobby(
                                connected(store, now),
                                LobbyMode.MESH,
                                CAP,
                                () -> names.remove(0),
                                10,
                                now);
        assertEquals("SecondName0000000000x", second.lobby());
    }

    @Test
    void idsAreUniqueEvenWhenTheGeneratorRepeatsItself() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String lobby = createLobby(store, LobbyMode.MESH, CAP, now);
        List<Integer> ids = new ArrayList<>(List.of(5, 5, 5, 7));
        JoinOutcome.Joined a =
                (JoinOutcome.Joined)
                        DynamoDbSignalingStoreTest.join(
                                store, connected(store, now), lobby, () -> ids.remove(0), now);
        JoinOutcome.Joined b =
                (JoinOutcome.Joined)
                        DynamoDbSignalingStoreTest.join(
                                store, connected(store, now), lobby, () -> ids.remove(0), now);
        assertEquals(5, a.peerId());
        assertEquals(7, b.peerId(), "the colliding 5s were checked and refused");
    }

    @Test
    void racingJoinsNeverPassTheCapAndAnnounceEveryPairExactlyOnce() throws Exception {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String lobby = createLobby(store, LobbyMode.MESH, CAP, now);
        int cap = 8;
        int racers = 40;
        List<Connection> joiners = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            joiners.add(connected(store, now));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<JoinOutcome>> futures = new ArrayList<>();
        for (Connection joiner : joiners) {
            futures.add(
                    pool.submit(
                            () -> {
                                go.await();
                                return DynamoDbSignalingStoreTest.join(
                                        store, joiner, lobby, IDS::nextGuest, now);
                            }));
        }
        go.countDown();
        List<JoinOutcome.Joined> admitted = new ArrayList<>();
        int refused = 0;
        for (Future<JoinOutcome> f : futures) {
            JoinOutcome outcome = f.get();
            if (outcome instanceof JoinOutcome.Joined joined) {
                admitted.add(joined);
            } else {
                assertEquals(new JoinOutcome.Refused(JoinRefusal.LOBBY_FULL), outcome);
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(cap - 1, admitted.size(), "the host plus exactly cap-1 guests");
        assertEquals(racers - cap + 1, refused);
        Set<Integer> ids = new HashSet<>(List.of(1));
        admitted.forEach(j -> ids.add(j.peerId()));
        assertEquals(cap, ids.size(), "unique ids");
        // Each joiner announces itself to the peers admitted before it: every pair exactly once.
        Set<String> pairs = new HashSet<>();
        for (JoinOutcome.Joined j : admitted) {
            for (Member earlier : j.earlier()) {
                assertTrue(
                        pairs.add(
                                Math.min(j.peerId(), earlier.peerId())
                                        + "-"
                                        + Math.max(j.peerId(), earlier.peerId())),
                        "pair announced twice");
            }
        }
        assertEquals(cap * (cap - 1) / 2, pairs.size());
    }

    @Test
    void aConnectionJoinsOneLobbyOnlyEvenWhenRacing() throws Exception {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String one = createLobby(store, LobbyMode.MESH, CAP, now);
        String two = createLobby(store, LobbyMode.MESH, CAP, now);
        Connection racer = connected(store, now);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<JoinOutcome> a =
                pool.submit(
                        () ->
                                DynamoDbSignalingStoreTest.join(
                                        store, racer, one, IDS::nextGuest, now));
        Future<JoinOutcome> b =
                pool.submit(
                        () ->
                                DynamoDbSignalingStoreTest.join(
                                        store, racer, two, IDS::nextGuest, now));
        List<JoinOutcome> outcomes = List.of(a.get(), b.get());
        pool.shutdown();
        assertEquals(1, outcomes.stream().filter(o -> o instanceof JoinOutcome.Joined).count());
        assertTrue(outcomes.contains(new JoinOutcome.Refused(JoinRefusal.ALREADY_IN_LOBBY)));
    }

    @Test
    void sealedUnknownAndExpiredLobbiesRefuseJoins() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String lobby = createLobby(store, LobbyMode.MESH, CAP, now);
        assertEquals(
                new JoinOutcome.Refused(JoinRefusal.LOBBY_NOT_FOUND),
                DynamoDbSignalingStoreTest.join(
                        store, connected(store, now), "NoSuchLobby", IDS::nextGuest, now));
        Instant later =
                now.plus(
                        Duration.ofHours(
                                3)); // past every item's TTL, though DynamoDB has not deleted it
        // yet
        assertEquals(
                new JoinOutcome.Refused(JoinRefusal.LOBBY_NOT_FOUND),
                DynamoDbSignalingStoreTest.join(
                        store, connected(store, later), lobby, IDS::nextGuest, later));
        assertTrue(store.seal(lobby, now).orElseThrow().sealed());
        assertEquals(
                new JoinOutcome.Refused(JoinRefusal.LOBBY_SEALED),
                DynamoDbSignalingStoreTest.join(
                        store, connected(store, now), lobby, IDS::nextGuest, now));
    }

    /**
     * The join deadline removes a connection only while it is in no lobby (and, the first time,
     * silent), in the same conditional write: a JOIN after it finds the connection gone, and one
     * committed before it keeps the connection.
     */
    @Test
    void theJoinDeadlineRemovesOnlyAConnectionStillOutsideEveryLobby() {
        for (boolean rateLimited : new boolean[] {true, false}) {
            SignalingStore store = freshStore();
            Instant now = Instant.now();
            Connection silent = connected(store, now);
            DeadlineOutcome.Expired expired =
                    assertInstanceOf(
                            DeadlineOutcome.Expired.class,
                            store.expireUnjoined(silent.connectionId(), true, now));
            assertEquals(silent.connectionId(), expired.connection().connectionId());
            assertTrue(store.connection(silent.connectionId(), now).isEmpty());
            assertInstanceOf(
                    DeadlineOutcome.Gone.class,
                    store.expireUnjoined(silent.connectionId(), true, now));
            // Its JOIN, queued until after the deadline: neither counted nor admitted.
            assertInstanceOf(
                    MessageAdmission.UnknownConnection.class,
                    store.admitMessage(
                            silent.connectionId(),
                            rateWindow(rateLimited, now),
                            new RelayIntent.None(),
                            now));
            assertInstanceOf(
                    JoinOutcome.NotConnected.class,
                    store.createLobby(silent, LobbyMode.MESH, CAP, NAMES::next, 10, now));

            // A frame admitted, its JOIN in flight: kept at the first deadline, not at the second.
            Connection joining = connected(store, now);
            admit(store, joining.connectionId(), new RelayIntent.None(), rateLimited, now);
            assertInstanceOf(
                    DeadlineOutcome.JoinInFlight.class,
                    store.expireUnjoined(joining.connectionId(), true, now));
            assertTrue(store.connection(joining.connectionId(), now).isPresent());
            assertInstanceOf(
                    DeadlineOutcome.Expired.class,
                    store.expireUnjoined(joining.connectionId(), false, now));
            String lobby = createLobby(store, LobbyMode.MESH, CAP, now);
            assertInstanceOf(
                    JoinOutcome.NotConnected.class,
                    join(store, joining, lobby, IDS::nextGuest, now));

            // A JOIN that committed first: the connection stays, in its lobby.
            Connection joined = connected(store, now);
            store.createLobby(joined, LobbyMode.MESH, CAP, NAMES::next, 10, now);
            assertInstanceOf(
                    DeadlineOutcome.Joined.class,
                    store.expireUnjoined(joined.connectionId(), false, now));
            assertTrue(
                    store.connection(joined.connectionId(), now)
                            .orElseThrow()
                            .membership()
                            .isPresent());
        }
    }

    @Test
    void expiredConnectionsAreAbsent() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        Connection c = connected(store, now);
        assertTrue(store.connection(c.connectionId(), now.plus(Duration.ofHours(1))).isPresent());
        assertTrue(store.connection(c.connectionId(), now.plus(Duration.ofHours(3))).isEmpty());
        assertInstanceOf(
                JoinOutcome.NotConnected.class,
                store.createLobby(
                        c, LobbyMode.MESH, CAP, NAMES::next, 10, now.plus(Duration.ofHours(3))));
    }

    @Test
    void aGuestLeavingFreesItsSlotAndLeavesATombstone() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String lobby = createLobby(store, LobbyMode.MESH, 2, now);
        Connection guest = connected(store, now);
        JoinOutcome.Joined joined =
                (JoinOutcome.Joined)
                        DynamoDbSignalingStoreTest.join(store, guest, lobby, IDS::nextGuest, now);
        assertEquals(
                new JoinOutcome.Refused(JoinRefusal.LOBBY_FULL),
                DynamoDbSignalingStoreTest.join(
                        store, connected(store, now), lobby, IDS::nextGuest, now));

        LeaveOutcome.Left left =
                (LeaveOutcome.Left) store.removeConnection(guest.connectionId(), now);
        assertEquals(joined.peerId(), left.peerId());
        assertEquals(List.of(1), left.remaining().stream().map(Member::peerId).toList());
        assertInstanceOf(
                MemberLookup.RecentlyLeft.class, store.member(lobby, joined.peerId(), now));
        assertInstanceOf(
                MemberLookup.Unknown.class,
                store.member(lobby, joined.peerId(), now.plus(Duration.ofMinutes(5))));
        assertInstanceOf(
                JoinOutcome.Joined.class,
                DynamoDbSignalingStoreTest.join(
                        store, connected(store, now), lobby, IDS::nextGuest, now));
        assertEquals(
                new LeaveOutcome.NotInLobby(),
                store.removeConnection(guest.connectionId(), now),
                "idempotent");
    }

    @Test
    void aGuestLeavingASealedLobbyWritesItsMemberAloneAndNobodyIsTold() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String lobby = createLobby(store, LobbyMode.MESH, CAP, now);
        Connection guest = connected(store, now);
        Connection other = connected(store, now);
        int guestId = joinedId(store, guest, lobby, now);
        join(store, other, lobby, IDS::nextGuest, now);
        store.seal(lobby, now);
        CallCounter calls = new CallCounter();
        SignalingStore env = environment(store, calls);

        // The count no longer matters (a sealed lobby takes nobody): no transaction on the lobby
        // item, which every guest leaving at the seal's close would race for.
        LeaveOutcome.Left left =
                assertInstanceOf(
                        LeaveOutcome.Left.class, env.removeConnection(guest.connectionId(), now));
        assertTrue(left.sealed());
        assertEquals(List.of(), left.remaining(), "nobody to tell after SEAL");
        assertEquals(0, calls.of("TransactWriteItems"));
        assertEquals(1, calls.of("UpdateItem"), "the member's tombstone");
        // Read by an environment that remembers nothing (the sealing one remembers the guest from
        // the seal's read of the lobby until it sees the departure itself).
        assertInstanceOf(
                MemberLookup.RecentlyLeft.class,
                environment(store, new CallCounter()).member(lobby, guestId, now));
        assertEquals(
                new LeaveOutcome.NotInLobby(),
                env.removeConnection(guest.connectionId(), now),
                "idempotent");

        // Once the host has left (the lobby destroyed), a guest's leave only drops its member.
        String host =
                store.lobby(lobby, now).orElseThrow().members().stream()
                        .filter(m -> m.peerId() == PeerIds.HOST)
                        .findFirst()
                        .orElseThrow()
                        .connectionId();
        store.removeConnection(host, now);
        LeaveOutcome.Left last =
                assertInstanceOf(
                        LeaveOutcome.Left.class, env.removeConnection(other.connectionId(), now));
        assertTrue(last.lobbyDestroyed());
        assertEquals(0, calls.of("TransactWriteItems"));
    }

    @Test
    void aRelaysDestinationIsReadEventuallyConsistentOnlyWhenItIsPresent() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String lobby = createLobby(store, LobbyMode.MESH, CAP, now);
        Connection guest = connected(store, now);
        int guestId = joinedId(store, guest, lobby, now);
        List<Boolean> consistent = new java.util.concurrent.CopyOnWriteArrayList<>();
        DynamoDbClient client =
                clientSeeing(
                        request -> {
                            if (request instanceof GetItemRequest get) {
                                consistent.add(Boolean.TRUE.equals(get.consistentRead()));
                            }
                        });
        SignalingStore env =
                new DynamoDbSignalingStore(client, ((DynamoDbSignalingStore) store).tables());
        // Present: one read at half the price, then remembered.
        assertInstanceOf(MemberLookup.Present.class, env.member(lobby, guestId, now));
        assertInstanceOf(MemberLookup.Present.class, env.member(lobby, guestId, now));
        assertEquals(List.of(false), consistent);
        // Not there (yet, or any more): read again, strongly consistent, before any answer.
        consistent.clear();
        assertInstanceOf(MemberLookup.Unknown.class, env.member(lobby, 424242, now));
        assertEquals(List.of(false, true), consistent);
        store.removeConnection(guest.connectionId(), now);
        consistent.clear();
        SignalingStore fresh =
                new DynamoDbSignalingStore(client, ((DynamoDbSignalingStore) store).tables());
        assertInstanceOf(MemberLookup.RecentlyLeft.class, fresh.member(lobby, guestId, now));
        assertEquals(List.of(false, true), consistent);
    }

    @Test
    void anEnvironmentRemembersMembersUntilItSeesThemLeave() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String lobby = createLobby(store, LobbyMode.MESH, CAP, now);
        Connection guest = connected(store, now);
        int guestId = joinedId(store, guest, lobby, now);
        assertInstanceOf(MemberLookup.Present.class, store.member(lobby, guestId, now));
        // Another environment (same tables) sees the guest leave; this one still has it in memory,
        // so a relay would go to its closed connection (410, cleaned up) for at most the lifetime.
        SignalingStore other =
                new DynamoDbSignalingStore(
                        dynamo.client(), ((DynamoDbSignalingStore) store).tables());
        other.removeConnection(guest.connectionId(), now);
        assertInstanceOf(MemberLookup.Present.class, store.member(lobby, guestId, now));
        assertInstanceOf(
                MemberLookup.RecentlyLeft.class,
                store.member(
                        lobby, guestId, now.plus(StoreTuning.defaults().memberCacheLifetime())),
                "expired");
        // Seeing the connection gone (the idempotent cleanup after a 410) forgets it at once.
        Connection second = connected(store, now);
        int secondId = joinedId(store, second, lobby, now);
        assertInstanceOf(MemberLookup.Present.class, store.member(lobby, secondId, now));
        other.removeConnection(second.connectionId(), now);
        assertEquals(
                new LeaveOutcome.NotInLobby(), store.removeConnection(second.connectionId(), now));
        assertInstanceOf(MemberLookup.RecentlyLeft.class, store.member(lobby, secondId, now));
    }

    @Test
    void anEnvironmentRemembersTheMembersItReadsWithTheLobbyAndTheOneItAdmits() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String lobby = createLobby(store, LobbyMode.MESH, CAP, now);
        int guestId = joinedId(store, connected(store, now), lobby, now);
        Connection held = connected(store, true, now); // resumable: its drop holds it
        int heldId = joinedId(store, held, lobby, now);
        ((DynamoDbSignalingStore) store).suspend(held.connectionId(), now.plusSeconds(30), now);
        CallCounter calls = new CallCounter();
        SignalingStore env = environment(store, calls);
        // This environment admits a joiner: the admission's read of the lobby brings the earlier
        // peers, and the joiner is known once admitted; no member read follows.
        int joinerId = joinedId(env, connected(store, now), lobby, now);
        int readsBefore = calls.of("GetItem");
        for (int peer : List.of(PeerIds.HOST, guestId, joinerId)) {
            assertInstanceOf(MemberLookup.Present.class, env.member(lobby, peer, now));
        }
        assertEquals(readsBefore, calls.of("GetItem"));
        // A held peer changes soon (it resumes or leaves): it is read, not remembered.
        assertInstanceOf(MemberLookup.Held.class, env.member(lobby, heldId, now));
        assertEquals(readsBefore + 2, calls.of("GetItem"));
        // Another environment learns the same from a lobby read (a seal's, a leave's, a timer's).
        CallCounter otherCalls = new CallCounter();
        SignalingStore other = environment(store, otherCalls);
        other.lobby(lobby, now);
        assertInstanceOf(MemberLookup.Present.class, other.member(lobby, joinerId, now));
        assertEquals(0, otherCalls.of("GetItem"));
    }

    /**
     * Admits one frame of {@code connectionId} (rate-limited as the template's defaults, or not)
     * and returns its gate.
     */
    public static OrderingGate admit(
            SignalingStore store,
            String connectionId,
            RelayIntent relay,
            boolean rateLimited,
            Instant now) {
        MessageAdmission admission =
                store.admitMessage(connectionId, rateWindow(rateLimited, now), relay, now);
        return ((MessageAdmission.Admitted) admission).gate();
    }

    @Test
    void theOrderingGateHoldsCandidatesUntilTheirDescriptionIsDelivered() {
        for (boolean rateLimited : new boolean[] {true, false}) {
            SignalingStore store = freshStore();
            Instant now = Instant.now();
            String sender = connected(store, now).connectionId();
            OrderingGate closed = new OrderingGate.Closed();
            assertEquals(
                    new OrderingGate.NotRelayed(),
                    admit(store, sender, new RelayIntent.None(), rateLimited, now));
            assertEquals(
                    closed,
                    admit(store, sender, new RelayIntent.Candidate(1), rateLimited, now),
                    "no description yet");
            assertTrue(store.holdCandidate(sender, 1, "early-1"));
            long first =
                    ((OrderingGate.Opened)
                                    admit(
                                            store,
                                            sender,
                                            new RelayIntent.Description(1),
                                            rateLimited,
                                            now))
                            .generation();
            assertEquals(
                    closed,
                    admit(store, sender, new RelayIntent.Candidate(1), rateLimited, now),
                    "not delivered yet");
            assertTrue(store.holdCandidate(sender, 1, "early-2"));
            assertEquals(
                    List.of("early-1", "early-2"),
                    store.descriptionDelivered(sender, NO_LOBBY, 1, first));
            assertEquals(
                    new OrderingGate.Clear(),
                    admit(store, sender, new RelayIntent.Candidate(1), rateLimited, now),
                    "delivered: goes at once");
            assertFalse(
                    store.holdCandidate(sender, 1, "late"),
                    "a hold racing the delivery is told to send");
            assertEquals(
                    closed,
                    admit(store, sender, new RelayIntent.Candidate(5), rateLimited, now),
                    "each destination has its own gate");
            // Renegotiation: a new description closes the gate again until it is delivered.
            long second =
                    ((OrderingGate.Opened)
                                    admit(
                                            store,
                                            sender,
                                            new RelayIntent.Description(1),
                                            rateLimited,
                                            now))
                            .generation();
            assertEquals(first + 1, second);
            assertEquals(
                    closed, admit(store, sender, new RelayIntent.Candidate(1), rateLimited, now));
            assertTrue(store.holdCandidate(sender, 1, "renegotiated"));
            assertEquals(
                    List.of(),
                    store.descriptionDelivered(sender, NO_LOBBY, 1, first),
                    "a stale delivery releases nothing");
            assertEquals(
                    List.of("renegotiated"),
                    store.descriptionDelivered(sender, NO_LOBBY, 1, second));
            // The gate lives and dies with the sender's record: a hold never brings a record back.
            store.removeConnection(sender, now);
            assertFalse(store.holdCandidate(sender, 1, "after leaving"));
            assertEquals(Optional.empty(), store.connection(sender, now));
            assertInstanceOf(
                    MessageAdmission.UnknownConnection.class,
                    store.admitMessage(
                            sender,
                            rateWindow(rateLimited, now),
                            new RelayIntent.Description(1),
                            now));
        }
    }

    /** 200 frames of one connection, each to the next of the environments; how many admitted. */
    static int takingTurns(
            List<SignalingStore> environments,
            String connectionId,
            Limits.RateWindow window,
            RelayIntent frame) {
        Instant now = Instant.now();
        int admitted = 0;
        for (int i = 0; i < 200; i++) {
            admitted +=
                    environments
                                            .get(i % environments.size())
                                            .admitMessage(connectionId, window, frame, now)
                                    instanceof MessageAdmission.Admitted
                            ? 1
                            : 0;
        }
        return admitted;
    }

    /** Counts one environment's DynamoDB calls by operation. */
    static final class CallCounter implements ExecutionInterceptor {
        final Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attrs) {
            calls.computeIfAbsent(
                            attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                            k -> new AtomicInteger())
                    .incrementAndGet();
        }

        int of(String operation) {
            AtomicInteger n = calls.get(operation);
            return n == null ? 0 : n.get();
        }
    }

    /** A client of DynamoDB Local that shows each request to {@code beforeEach} first. */
    static DynamoDbClient clientSeeing(
            java.util.function.Consumer<software.amazon.awssdk.core.SdkRequest> beforeEach) {
        return dynamo.clientBuilder()
                .overrideConfiguration(
                        o ->
                                o.addExecutionInterceptor(
                                        new ExecutionInterceptor() {
                                            @Override
                                            public void beforeExecution(
                                                    Context.BeforeExecution context,
                                                    ExecutionAttributes attributes) {
                                                beforeEach.accept(context.request());
                                            }
                                        }))
                .build();
    }

    /** Another execution environment on the same tables, its calls counted. */
    static SignalingStore environment(SignalingStore store, CallCounter counter) {
        DynamoDbClient client =
                dynamo.clientBuilder()
                        .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                        .build();
        return new DynamoDbSignalingStore(client, ((DynamoDbSignalingStore) store).tables());
    }

    static Connection connected(SignalingStore store, boolean extensions, Instant now) {
        String id = UUID.randomUUID().toString();
        store.putConnection(
                Connection.arriving(
                        id,
                        extensions,
                        Games.DEFAULT,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()),
                Limits.defaults().rateWindow(now),
                now);
        return store.connection(id, now).orElseThrow();
    }

    static long attribute(SignalingStore store, String connectionId, String name) {
        return Long.parseLong(
                dynamo.client()
                        .getItem(
                                b ->
                                        b.tableName(
                                                        ((DynamoDbSignalingStore) store)
                                                                .tables()
                                                                .connections())
                                                .key(Items.connectionKey(connectionId))
                                                .consistentRead(true))
                        .item()
                        .get(name)
                        .n());
    }

    @Test
    void aDemoConnectionsFramesSpendTokensTheirEnvironmentTookAheadWhileAResumablesEachWrite() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        Limits.RateWindow window = Limits.defaults().rateWindow(now);
        CallCounter calls = new CallCounter();
        SignalingStore env = environment(store, calls);
        String demo = connected(store, false, now).connectionId();
        for (int i = 0; i < 40; i++) {
            assertInstanceOf(
                    MessageAdmission.Admitted.class,
                    env.admitMessage(demo, window, new RelayIntent.Candidate(1), now));
        }
        // Writes take 4, 8, 16 and 16 tokens: 4 writes count 44, the other 36 frames read. (The
        // connection's first window opened with its record.)
        assertEquals(4, calls.of("UpdateItem"));
        assertEquals(36, calls.of("GetItem"));
        assertEquals(44, attribute(store, demo, Items.RATE_COUNT), "tokens handed out");
        // A description writes anyway (it opens its gate), spending a token held here: it takes
        // none more.
        env.admitMessage(demo, window, new RelayIntent.Description(1), now);
        env.admitMessage(demo, window, new RelayIntent.Description(1), now);
        assertEquals(6, calls.of("UpdateItem"));
        assertEquals(44, attribute(store, demo, Items.RATE_COUNT), "nothing more handed out");
        // With none held, a description takes a lease like any frame: the next candidates read.
        env.admitMessage(demo, window, new RelayIntent.Candidate(1), now);
        env.admitMessage(demo, window, new RelayIntent.Candidate(1), now);
        assertEquals(6, calls.of("UpdateItem"));
        env.admitMessage(demo, window, new RelayIntent.Description(1), now);
        assertEquals(7, calls.of("UpdateItem"));
        assertEquals(60, attribute(store, demo, Items.RATE_COUNT), "a lease of 16 taken");
        env.admitMessage(demo, window, new RelayIntent.Candidate(1), now);
        assertEquals(7, calls.of("UpdateItem"));
        assertEquals(39, calls.of("GetItem"));

        // A resumable connection's every frame counts in its received total, which a resume
        // reports exactly: each writes.
        String resumable = connected(store, true, now).connectionId();
        CallCounter resumableCalls = new CallCounter();
        SignalingStore other = environment(store, resumableCalls);
        for (int i = 0; i < 40; i++) {
            other.admitMessage(resumable, window, new RelayIntent.Candidate(1), now);
        }
        assertEquals(40, resumableCalls.of("UpdateItem"));
        assertEquals(0, resumableCalls.of("GetItem"));
        assertEquals(40, attribute(store, resumable, Items.FRAMES));
        assertEquals(
                43,
                attribute(store, resumable, Items.RATE_COUNT),
                "its first write here took a lease, before this environment knew; then 1 each");

        // Tokens belong to their window: the next one starts with a write.
        Instant later = now.plus(Duration.ofSeconds(10));
        int before = calls.of("UpdateItem");
        assertInstanceOf(
                MessageAdmission.Admitted.class,
                env.admitMessage(
                        demo,
                        Limits.defaults().rateWindow(later),
                        new RelayIntent.Candidate(1),
                        later));
        assertEquals(
                before + 2,
                calls.of("UpdateItem"),
                "a count that finds its window over, then the opening");

        // Without a limit, a demo connection's frames after the first only read.
        CallCounter unlimited = new CallCounter();
        SignalingStore third = environment(store, unlimited);
        for (int i = 0; i < 10; i++) {
            third.admitMessage(demo, Limits.RateWindow.UNLIMITED, new RelayIntent.None(), now);
        }
        assertEquals(1, unlimited.of("UpdateItem"));
        assertEquals(9, unlimited.of("GetItem"));

        // A frame spent from a lease after its connection is gone is refused as unknown.
        store.removeConnection(demo, now);
        assertInstanceOf(
                MessageAdmission.UnknownConnection.class,
                third.admitMessage(demo, Limits.RateWindow.UNLIMITED, new RelayIntent.None(), now));
    }

    @Test
    void theFloodLimitStaysExactAcrossEnvironmentsThatTakeTokensAhead() throws Exception {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        int budget = 50;
        Limits.RateWindow window = new Limits.RateWindow(now.toEpochMilli() / 8000, budget);
        List<SignalingStore> environments =
                List.of(
                        environment(store, new CallCounter()),
                        environment(store, new CallCounter()),
                        environment(store, new CallCounter()));
        // Frames taking turns across three environments: each leases as it keeps seeing the
        // connection, and every token handed out is spent, so exactly the budget is admitted.
        String flooder = connected(store, false, now).connectionId();
        assertEquals(
                budget, takingTurns(environments, flooder, window, new RelayIntent.Candidate(1)));
        assertEquals(budget, attribute(store, flooder, Items.RATE_COUNT));
        // The same for a client of descriptions alone, which write every frame but spend leases
        // too: its whole budget, not less.
        String talker = connected(store, false, now).connectionId();
        assertEquals(
                budget, takingTurns(environments, talker, window, new RelayIntent.Description(1)));
        assertEquals(budget, attribute(store, talker, Items.RATE_COUNT));

        // Concurrent frames on the three: never more than the budget; tokens left unspent in an
        // environment are fewer than its lease (16).
        String racer = connected(store, false, now).connectionId();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicInteger raced = new AtomicInteger();
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            SignalingStore env = environments.get(i % 3);
            tasks.add(
                    pool.submit(
                            () -> {
                                if (env.admitMessage(
                                                racer, window, new RelayIntent.Candidate(1), now)
                                        instanceof MessageAdmission.Admitted) {
                                    raced.incrementAndGet();
                                }
                            }));
        }
        for (Future<?> task : tasks) {
            task.get();
        }
        pool.shutdown();
        assertTrue(raced.get() <= budget, "admitted " + raced.get());
        assertTrue(raced.get() >= budget - 3 * 15, "admitted " + raced.get());
        assertTrue(attribute(store, racer, Items.RATE_COUNT) <= budget);
    }

    @Test
    void racingCandidatesAreEachDeliveredExactlyOnceAndNeverBeforeTheirDescription()
            throws Exception {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        String sender = connected(store, now).connectionId();
        int candidates = 60;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong deliveredAt =
                new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        List<String> direct = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> directAt = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            String c = "c" + i;
            tasks.add(
                    pool.submit(
                            () -> {
                                go.await();
                                // As the service does it: the admission's gate, then a hold that
                                // may be told to send.
                                OrderingGate gate =
                                        admit(
                                                store,
                                                sender,
                                                new RelayIntent.Candidate(1),
                                                true,
                                                now);
                                if (gate instanceof OrderingGate.Clear
                                        || !store.holdCandidate(sender, 1, c)) {
                                    directAt.add(System.nanoTime());
                                    direct.add(c);
                                }
                                return null;
                            }));
        }
        Future<List<String>> description =
                pool.submit(
                        () -> {
                            go.await();
                            Thread.sleep(5);
                            long g =
                                    ((OrderingGate.Opened)
                                                    admit(
                                                            store,
                                                            sender,
                                                            new RelayIntent.Description(1),
                                                            true,
                                                            now))
                                            .generation();
                            deliveredAt.set(
                                    System.nanoTime()); // the description is "sent" here, before
                            // the gate opens
                            return store.descriptionDelivered(sender, NO_LOBBY, 1, g);
                        });
        go.countDown();
        for (Future<?> t : tasks) {
            t.get();
        }
        List<String> released = description.get();
        pool.shutdown();
        List<String> all = new ArrayList<>(released);
        all.addAll(direct);
        assertEquals(candidates, all.size(), "none lost, none duplicated");
        assertEquals(candidates, new HashSet<>(all).size());
        for (long t : directAt) {
            assertTrue(t > deliveredAt.get(), "a candidate passed before its description was sent");
        }
    }

    @Test
    void theHostLeavingDestroysTheLobbyAndFreesALobbySlot() {
        SignalingStore store = freshStore();
        Instant now = Instant.now();
        Connection host = connected(store, now);
        String lobby =
                ((JoinOutcome.Joined)
                                store.createLobby(host, LobbyMode.MESH, CAP, NAMES::next, 1, now))
                        .lobby();
        Connection guest = connected(store, now);
        DynamoDbSignalingStoreTest.join(store, guest, lobby, IDS::nextGuest, now);
        assertEquals(
                new JoinOutcome.Refused(JoinRefusal.TOO_MANY_LOBBIES),
                store.createLobby(connected(store, now), LobbyMode.MESH, CAP, NAMES::next, 1, now));

        LeaveOutcome.Left left =
                (LeaveOutcome.Left) store.removeConnection(host.connectionId(), now);
        assertTrue(left.lobbyDestroyed());
        assertEquals(
                List.of(guest.connectionId()),
                left.remaining().stream().map(Member::connectionId).toList());
        assertEquals(
                new JoinOutcome.Refused(JoinRefusal.LOBBY_NOT_FOUND),
                DynamoDbSignalingStoreTest.join(
                        store, connected(store, now), lobby, IDS::nextGuest, now));
        assertInstanceOf(
                JoinOutcome.Joined.class,
                store.createLobby(connected(store, now), LobbyMode.MESH, CAP, NAMES::next, 1, now));
        assertEquals(
                new LeaveOutcome.NotInLobby(), store.removeConnection(host.connectionId(), now));
    }

    /** Discovery's writes (seats, turns, listing) against DynamoDB Local. */
    @Nested
    class Discovery {
        static final String GAME = "store-test";
        final DynamoDbSignalingStore store = (DynamoDbSignalingStore) freshStore();
        final Instant now = Instant.now();

        MatchPool pool(int maxPeers) {
            return new MatchPool(GAME, LobbyMode.MESH, maxPeers, FlatData.EMPTY);
        }

        String open(MatchPool pool) {
            JoinOutcome outcome =
                    store.openForMatch(
                            connected(store, now),
                            pool,
                            0,
                            store.poolTurn(pool, 0),
                            FlatData.EMPTY,
                            () -> Games.lobbyKey(GAME, NAMES.next()),
                            100,
                            now);
            return assertInstanceOf(JoinOutcome.Joined.class, outcome).lobby();
        }

        Reservation hold(String lobby, MatchPool pool, Instant at) {
            return store.holdSeat(connected(store, at), lobby, pool, IDS::nextGuest, at);
        }

        List<String> listed() {
            return store.listed(GAME, 50, Optional.empty(), now).lobbies().stream()
                    .map(l -> Games.lobbyKey(GAME, l.name()))
                    .toList();
        }

        @Test
        void aHeldSeatCountsAtOnceSoTheLobbyNeverOverfills() {
            String lobby = open(pool(3));
            assertEquals(List.of(lobby), listed());
            Connection first = connected(store, now);
            Connection second = connected(store, now);
            Reservation.Reserved a =
                    assertInstanceOf(
                            Reservation.Reserved.class,
                            store.holdSeat(first, lobby, pool(3), IDS::nextGuest, now));
            Reservation.Reserved b =
                    assertInstanceOf(
                            Reservation.Reserved.class,
                            store.holdSeat(second, lobby, pool(3), IDS::nextGuest, now));
            assertEquals(
                    new Reservation.Refused(JoinRefusal.LOBBY_FULL), hold(lobby, pool(3), now));
            assertEquals(List.of(), listed(), "full: out of the lists in the write that filled it");
            JoinOutcome.Joined joined =
                    assertInstanceOf(
                            JoinOutcome.Joined.class,
                            store.admitToSeat(first, lobby, a.peerId(), now));
            assertEquals(List.of(1), joined.earlier().stream().map(Member::peerId).toList());
            assertEquals(3, joined.data().orElseThrow().peers());
            assertInstanceOf(
                    JoinOutcome.Joined.class, store.admitToSeat(second, lobby, b.peerId(), now));
            assertEquals(3, store.lobby(lobby, now).orElseThrow().members().size());
        }

        @Test
        void aSeatGivenBackListsTheLobbyAgain() {
            String lobby = open(pool(2));
            Reservation.Reserved seat =
                    assertInstanceOf(Reservation.Reserved.class, hold(lobby, pool(2), now));
            assertEquals(List.of(), listed());
            store.releaseSeat(lobby, seat.peerId(), now);
            assertEquals(List.of(lobby), listed());
            assertEquals(1, store.lobbyData(lobby, now).orElseThrow().peers());
        }

        @Test
        void aSeatWhoseMatcherNeverCameIsGivenBackToTheNextMatcher() {
            String lobby = open(pool(2));
            assertInstanceOf(Reservation.Reserved.class, hold(lobby, pool(2), now));
            assertEquals(
                    new Reservation.Refused(JoinRefusal.LOBBY_FULL), hold(lobby, pool(2), now));
            // Past the seat's lifetime (2 minutes), the next matcher reclaims it.
            assertInstanceOf(
                    Reservation.Reserved.class,
                    hold(lobby, pool(2), now.plus(Duration.ofMinutes(3))));
        }

        @Test
        void aLobbyItsHostHidOrResizedTakesNoMatcherOfItsOldPool() throws Exception {
            String hidden = open(pool(4));
            store.updateLobbyData(hidden, LobbyDataUpdate.parse("{\"public\":false}", 99), now);
            assertEquals(
                    new Reservation.Refused(JoinRefusal.LOBBY_NOT_FOUND),
                    hold(hidden, pool(4), now));
            String resized = open(pool(5));
            store.updateLobbyData(resized, LobbyDataUpdate.parse("{\"maxPeers\":6}", 99), now);
            assertEquals(
                    new Reservation.Refused(JoinRefusal.LOBBY_NOT_FOUND),
                    hold(resized, pool(5), now));
            assertInstanceOf(Reservation.Reserved.class, hold(resized, pool(6), now));
        }

        @Test
        void aMatcherOpensALobbyOnlyOnThePoolsTurn() {
            MatchPool pool = pool(4);
            String first = open(pool);
            Connection late = connected(store, now);
            JoinOutcome superseded =
                    store.openForMatch(
                            late,
                            pool,
                            0,
                            Optional.empty(), // it read the turn before the first opened
                            FlatData.EMPTY,
                            () -> Games.lobbyKey(GAME, NAMES.next()),
                            100,
                            now);
            assertEquals(new JoinOutcome.Superseded(first), superseded);
            JoinOutcome second =
                    store.openForMatch(
                            late,
                            pool,
                            0,
                            Optional.of(first),
                            FlatData.EMPTY,
                            () -> Games.lobbyKey(GAME, NAMES.next()),
                            100,
                            now);
            String lobby = assertInstanceOf(JoinOutcome.Joined.class, second).lobby();
            assertEquals(Optional.of(lobby), store.poolTurn(pool, 0));
            assertEquals(Optional.empty(), store.poolTurn(pool, 1), "lanes are apart");
        }

        @Test
        void twoGamesMayUseTheSameLobbyName() {
            for (String game : List.of("default", "racing", "chess")) {
                JoinOutcome outcome =
                        store.createLobby(
                                connected(store, now),
                                LobbyMode.MESH,
                                CAP,
                                () -> Games.lobbyKey(game, "SameName"),
                                100,
                                now);
                String key = assertInstanceOf(JoinOutcome.Joined.class, outcome).lobby();
                assertEquals("SameName", Games.nameOf(key));
                assertEquals(game, Games.gameOf(key));
            }
        }

        @Test
        void lobbyDataIsCheckedAgainstThePeerCountAndListedOnlyWhileOpen() throws Exception {
            String lobby =
                    ((JoinOutcome.Joined)
                                    store.createLobby(
                                            connected(store, now),
                                            LobbyMode.MESH,
                                            CAP,
                                            () -> Games.lobbyKey(GAME, NAMES.next()),
                                            100,
                                            now))
                            .lobby();
            join(store, connected(store, now), lobby, IDS::nextGuest, now);
            join(store, connected(store, now), lobby, IDS::nextGuest, now);
            assertEquals(List.of(), listed(), "hidden");
            assertEquals(
                    new LobbyDataOutcome.Refused(LobbyDataOutcome.Refusal.BELOW_PEER_COUNT),
                    store.updateLobbyData(
                            lobby, LobbyDataUpdate.parse("{\"maxPeers\":2}", 99), now));
            LobbyDataOutcome.Changed changed =
                    assertInstanceOf(
                            LobbyDataOutcome.Changed.class,
                            store.updateLobbyData(
                                    lobby,
                                    LobbyDataUpdate.parse(
                                            "{\"public\":true,\"data\":{\"map\":\"dunes\"}}", 99),
                                    now));
            assertEquals(3, changed.members().size());
            assertEquals(List.of(lobby), listed());
            store.seal(lobby, now);
            assertEquals(List.of(), listed(), "sealed");
            assertEquals(
                    new LobbyDataOutcome.Refused(LobbyDataOutcome.Refusal.LOBBY_SEALED),
                    store.updateLobbyData(lobby, LobbyDataUpdate.parse("{}", 99), now));
        }
    }
}
