package dev.godotsignal.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.resume.ResumeRefusal;
import dev.godotsignal.resume.ResumeStore;
import dev.godotsignal.resume.ResumeToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resuming (docs/PROTOCOL.md, "Resuming after a dropped socket"), rule by rule, on the in-memory
 * store: a dropped extension peer is suspended, its lobby is told nothing, frames for it are kept
 * in order and delivered when it resumes; its grace's end is a leave; bad resumes are refused.
 */
class ResumeServiceTest extends ServiceFixture {
    static final Duration GRACE = Duration.ofSeconds(20);
    static final Limits RESUMING =
            new Limits(
                    8,
                    LIMITS.maxLobbies(),
                    LIMITS.maxMessageBytes(),
                    LIMITS.sealCloseDelay(),
                    LIMITS.joinDeadline(),
                    LIMITS.livenessInterval(),
                    LIMITS.messagesPerSecond(),
                    LIMITS.messageBurst(),
                    GRACE);

    /** A peer of a lobby with its latest resume token. */
    record Resumable(Peer peer, String token) {
        String id() {
            return peer.id();
        }

        int peerId() {
            return peer.peerId();
        }
    }

    @BeforeEach
    void resuming() {
        service = service(RESUMING);
    }

    Resumable host() throws Exception {
        Client client = connect(true);
        send(client.id(), MessageType.JOIN, 0, "");
        List<JsonNode> frames = frames(client.id());
        assertEquals(
                List.of(MessageType.ID.code(), MessageType.RESUME.code(), MessageType.JOIN.code()),
                frames.stream().map(f -> f.get("type").asInt()).toList(),
                "the token comes right after ID");
        assertEquals(1, frames.get(1).get("id").asInt());
        assertFalse(frames.get(1).has("received"), "only a resumed connection's RESUME acks");
        return new Resumable(
                new Peer(client, 1, frames.get(2).get("data").asText()),
                frames.get(1).get("data").asText());
    }

    Resumable guest(String lobby) throws Exception {
        Client client = connect(true);
        send(client.id(), MessageType.JOIN, 0, lobby);
        List<JsonNode> frames = frames(client.id());
        assertEquals(MessageType.ID.code(), frames.get(0).get("type").asInt());
        assertEquals(MessageType.RESUME.code(), frames.get(1).get("type").asInt());
        int peerId = frames.get(0).get("id").asInt();
        return new Resumable(new Peer(client, peerId, lobby), frames.get(1).get("data").asText());
    }

    /** The socket dropped: its $disconnect carries an abnormal close code. */
    void drop(Resumable peer) {
        channel.vanish(peer.id());
        service.disconnect(peer.id(), Closure.DROPPED);
    }

    /** Opens a new connection with {@code ?ext=1&resume=<token>}; empty when accepted. */
    Optional<ResumeRefusal> resume(String connectionId, String token) {
        return service.resume(
                connectionId, true, "default", Optional.empty(), Optional.empty(), token);
    }

    /** Fires every due timer of a kind (the greeting after a resume, a grace's end). */
    void fire(Class<? extends Timer> kind) {
        List<ManualTimers.Scheduled> later = new ArrayList<>();
        for (ManualTimers.Scheduled scheduled : timers.take()) {
            if (kind.isInstance(scheduled.timer())) {
                service.fire(scheduled.timer());
            } else {
                later.add(scheduled);
            }
        }
        later.forEach(s -> timers.schedule(s.timer(), s.delay()));
    }

    /** Resumes on a fresh connection and returns what it was greeted with. */
    List<JsonNode> resumeAndGreet(Resumable peer, String connectionId) throws Exception {
        assertEquals(Optional.empty(), resume(connectionId, peer.token()));
        fire(Timer.ResumeGreeting.class);
        return frames(connectionId);
    }

    @Test
    void onlyACloseTheClientAskedForIsALeave() {
        assertEquals(Closure.ASKED, Closure.ofStatusCode(1000));
        assertEquals(Closure.ASKED, Closure.ofStatusCode(1005), "a close frame without a code");
        for (Integer dropped : new Integer[] {1001, 1006, 1011, 4000, null}) {
            assertEquals(Closure.DROPPED, Closure.ofStatusCode(dropped), "" + dropped);
        }
    }

    @Test
    void demoClientsAndJoinsWithoutResumingGetNoToken() throws Exception {
        Resumable host = host();
        Client demo = connect(false);
        send(demo.id(), MessageType.JOIN, 0, host.peer().lobby());
        assertTrue(
                frames(demo.id()).stream()
                        .noneMatch(f -> f.get("type").asInt() == MessageType.RESUME.code()));
    }

    @Test
    void aGuestsDropIsNotAnnouncedAndRelaysToItWaitForItsResume() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        frames(host.id());
        send(guest.id(), MessageType.OFFER, 1, "offer-before-drop"); // frame 2 of its socket
        assertEquals(List.of("4/" + guest.peerId() + "/offer-before-drop"), shown(host.id()));
        drop(guest);
        assertEquals(List.of(), shown(host.id()), "nobody is told of a suspension");
        assertTrue(
                timers.take().stream()
                        .anyMatch(
                                s ->
                                        s.timer().equals(new Timer.ResumeExpiry(guest.id()))
                                                && s.delay().equals(GRACE)));
        send(host.id(), MessageType.ANSWER, guest.peerId(), "answer");
        send(host.id(), MessageType.CANDIDATE, guest.peerId(), "\n0\n0\ncand-1");
        assertFalse(channel.isClosed(host.id()));
        List<JsonNode> greeting = resumeAndGreet(guest, "conn-back");
        assertEquals(
                List.of(
                        "1/" + guest.peerId() + "/true",
                        "104/" + guest.peerId() + "/" + greeting.get(1).get("data").asText(),
                        "0/0/" + host.peer().lobby(),
                        "5/1/answer",
                        "6/1/\n0\n0\ncand-1"),
                greeting.stream().map(ServiceFixture::show).toList());
        assertEquals(2, greeting.get(1).get("received").asLong(), "JOIN and the OFFER arrived");
        assertTrue(
                greeting.get(1).get("data").asText().length() > 20
                        && !greeting.get(1).get("data").asText().equals(guest.token()),
                "a new token");
        send("conn-back", MessageType.CANDIDATE, 1, "\n0\n0\ncand-2");
        assertEquals(
                List.of("6/" + guest.peerId() + "/\n0\n0\ncand-2"),
                shown(host.id()),
                "its relays work again at once, under the same id");
        send(host.id(), MessageType.CANDIDATE, guest.peerId(), "\n0\n0\ncand-3");
        assertEquals(List.of("6/1/\n0\n0\ncand-3"), shown("conn-back"), "no longer held");
    }

    @Test
    void aHostsDropKeepsTheLobbyAndAJoinersOfferArrivesAfterTheResume() throws Exception {
        Resumable host = host();
        drop(host);
        Resumable joiner = guest(host.peer().lobby());
        List<String> toJoiner = shown(joiner.id());
        assertEquals(List.of(), toJoiner, "the joiner got its whole join already: nothing more");
        send(joiner.id(), MessageType.OFFER, 1, "offer-while-host-away");
        assertFalse(channel.isClosed(joiner.id()), "the host is suspended, not gone");
        assertEquals(1, store.lobbyCount());
        List<JsonNode> greeting = resumeAndGreet(host, "host-back");
        assertEquals(
                List.of(
                        "1/1/true",
                        "104/1/" + greeting.get(1).get("data").asText(),
                        "2/" + joiner.peerId() + "/",
                        "0/0/" + host.peer().lobby(),
                        "4/" + joiner.peerId() + "/offer-while-host-away"),
                greeting.stream().map(ServiceFixture::show).toList(),
                "PEER_CONNECT for the newcomer before JOIN, then its kept OFFER");
    }

    @Test
    void peersJoiningAndLeavingDuringASuspensionAreToldBeforeJoin() throws Exception {
        Resumable host = host();
        Resumable stays = guest(host.peer().lobby());
        Resumable leaves = guest(host.peer().lobby());
        frames(stays.id());
        drop(stays);
        Resumable comes = guest(host.peer().lobby());
        Resumable comesAndGoes = guest(host.peer().lobby());
        service.disconnect(leaves.id(), Closure.ASKED);
        service.disconnect(comesAndGoes.id(), Closure.ASKED);
        List<String> greeting =
                resumeAndGreet(stays, "stays-back").stream().map(ServiceFixture::show).toList();
        assertEquals(
                List.of(
                        "2/" + comes.peerId() + "/",
                        "3/" + leaves.peerId() + "/",
                        "0/0/" + host.peer().lobby()),
                greeting.subList(2, greeting.size()),
                "one who came, one who left; one who came and went is never mentioned");
    }

    @Test
    void aGuestWhoseGraceEndsLeavesAsBefore() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        frames(host.id());
        drop(guest);
        fire(Timer.ResumeExpiry.class);
        assertEquals(List.of("3/" + guest.peerId() + "/"), shown(host.id()));
        assertEquals(Optional.of(ResumeRefusal.GONE), resume("too-late", guest.token()));
    }

    @Test
    void aHostWhoseGraceEndsEndsTheLobby() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(host);
        fire(Timer.ResumeExpiry.class);
        assertEquals(List.of(error(ErrorReason.HOST_DISCONNECTED)), shown(guest.id()));
        assertTrue(channel.isClosed(guest.id()));
        assertEquals(0, store.lobbyCount());
    }

    @Test
    void aResumedPeersOldGraceTimerDoesNothing() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        frames(host.id());
        drop(guest);
        List<ManualTimers.Scheduled> expiries = timers.take();
        resumeAndGreet(guest, "back");
        expiries.forEach(s -> service.fire(s.timer()));
        assertEquals(List.of(), shown(host.id()));
        send(host.id(), MessageType.OFFER, guest.peerId(), "still here");
        assertEquals(List.of("4/1/still here"), shown("back"));
    }

    @Test
    void aCloseTheClientAskedForIsALeaveAtOnce() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        frames(host.id());
        service.disconnect(guest.id(), Closure.ASKED);
        assertEquals(List.of("3/" + guest.peerId() + "/"), shown(host.id()));
        assertEquals(Optional.of(ResumeRefusal.GONE), resume("after-leaving", guest.token()));
    }

    @Test
    void aDemoClientsDropIsStillAnImmediateLeave() throws Exception {
        Resumable host = host();
        Client demo = connect(false);
        send(demo.id(), MessageType.JOIN, 0, host.peer().lobby());
        int demoId = frames(demo.id()).get(0).get("id").asInt();
        frames(host.id());
        channel.vanish(demo.id());
        service.disconnect(demo.id(), Closure.DROPPED);
        assertEquals(List.of("3/" + demoId + "/"), shown(host.id()));
    }

    @Test
    void aPostAnswering410SuspendsAndKeepsTheFrame() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        frames(host.id());
        channel.vanish(guest.id()); // its $disconnect never comes
        send(host.id(), MessageType.OFFER, guest.peerId(), "offer-into-the-void");
        assertEquals(List.of(), shown(host.id()), "suspended, not announced");
        List<String> greeting =
                resumeAndGreet(guest, "back").stream().map(ServiceFixture::show).toList();
        assertEquals("4/1/offer-into-the-void", greeting.get(greeting.size() - 1));
    }

    @Test
    void aLivenessCheckThatFindsTheSocketGoneSuspends() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        frames(host.id());
        timers.take();
        channel.vanish(guest.id());
        service.fire(new Timer.ConnectionCheck(guest.id()));
        assertEquals(List.of(), shown(host.id()));
        assertTrue(
                timers.take().stream()
                        .anyMatch(s -> s.timer().equals(new Timer.ResumeExpiry(guest.id()))));
    }

    @Test
    void aResumedConnectionIsCheckedForLivenessOnlyOnceItsGreetingReachedIt() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(guest);
        timers.take();
        assertEquals(Optional.empty(), resume("back", guest.token()));
        // Until its $connect returns, API Gateway reports the new connection gone: a check fired
        // then would suspend the peer it is about to greet.
        List<ManualTimers.Scheduled> atConnect = timers.take();
        assertTrue(
                atConnect.stream().noneMatch(s -> s.timer() instanceof Timer.ConnectionCheck),
                "no liveness check scheduled from $connect: " + atConnect);
        atConnect.forEach(s -> timers.schedule(s.timer(), s.delay()));
        fire(Timer.ResumeGreeting.class);
        assertEquals(guest.peerId(), frames("back").get(0).get("id").asInt());
        assertTrue(
                timers.take().stream()
                        .anyMatch(
                                s ->
                                        s.timer().equals(new Timer.ConnectionCheck("back"))
                                                && s.delay().equals(RESUMING.livenessInterval())),
                "checked from its greeting on");
    }

    @Test
    void aDropAfterTheSealIsHeldQuietlyAndEndsInAQuietLeave() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        send(host.id(), MessageType.SEAL, 0, "");
        frames(host.id());
        drop(guest); // it may have dropped as the SEAL was sent, without receiving it
        assertEquals(List.of(), shown(host.id()));
        fire(Timer.ResumeExpiry.class);
        assertEquals(
                List.of(),
                shown(host.id()),
                "after SEAL nobody is told: a PEER_DISCONNECT would make Godot drop a live link");
        assertEquals(Optional.of(ResumeRefusal.GONE), resume("too-late", guest.token()));
    }

    @Test
    void aPeerWhoseSocketDroppedAsTheSealWasSentResumesToLearnOfIt() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        channel.vanish(guest.id());
        send(host.id(), MessageType.SEAL, 0, ""); // the post of its SEAL answers 410
        List<String> greeting =
                resumeAndGreet(guest, "back").stream().map(ServiceFixture::show).toList();
        assertEquals(List.of("0/0/" + host.peer().lobby(), "7/0/"), greeting.subList(2, 4));
    }

    @Test
    void aPeerSuspendedBeforeTheSealResumesToLearnOfIt() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(guest);
        send(host.id(), MessageType.SEAL, 0, "");
        timers.take();
        List<String> greeting =
                resumeAndGreet(guest, "back").stream().map(ServiceFixture::show).toList();
        assertEquals(List.of("0/0/" + host.peer().lobby(), "7/0/"), greeting.subList(2, 4));
        assertTrue(
                timers.take().stream()
                        .anyMatch(s -> s.timer().equals(new Timer.SealClose(host.peer().lobby()))),
                "its socket closes after the seal's delay too");
    }

    @Test
    void keptFramesStayWithinTheBudgetOldestDroppedFirst() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(guest);
        send(host.id(), MessageType.OFFER, guest.peerId(), "offer"); // candidates follow one
        String big = "x".repeat(8 * 1024);
        for (int i = 0; i < 10; i++) {
            send(host.id(), MessageType.CANDIDATE, guest.peerId(), "\n0\n" + i + "\n" + big);
        }
        List<String> kept = store.kept(host.peer().lobby(), guest.peerId());
        assertTrue(kept.size() < 10 && kept.size() >= 7, "kept " + kept.size());
        assertTrue(kept.stream().mapToInt(String::length).sum() <= ResumeStore.KEPT_BUDGET_BYTES);
        assertTrue(kept.get(kept.size() - 1).contains("\\n9\\n"), "the newest are kept");
    }

    @Test
    void aForgedTokenIsRefused() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(guest);
        ResumeToken real = ResumeToken.parse(guest.token()).orElseThrow();
        String forged = new ResumeToken(real.lobby(), real.peerId(), "A".repeat(22)).encode();
        assertEquals(Optional.of(ResumeRefusal.FORBIDDEN), resume("forger", forged));
        assertEquals(Optional.of(ResumeRefusal.FORBIDDEN), resume("garbage", "not-a-token"));
        String otherPeer = new ResumeToken(real.lobby(), 1, real.secret()).encode();
        assertEquals(
                Optional.of(ResumeRefusal.FORBIDDEN),
                resume("hijacker", otherPeer),
                "a guest's secret does not open the host's seat");
        assertEquals(Optional.empty(), resume("the-real-one", guest.token()), "still valid");
    }

    @Test
    void aTokenIsSpentOnceItsReplacementIsDelivered() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(guest);
        assertEquals(Optional.empty(), resume("first", guest.token()));
        fire(Timer.ResumeGreeting.class);
        assertEquals(guest.peerId(), frames("first").get(0).get("id").asInt());
        assertEquals(Optional.of(ResumeRefusal.FORBIDDEN), resume("second", guest.token()));
        assertEquals(List.of(), frames("second"));
    }

    @Test
    void aResumedSocketThatDropsBeforeItsGreetingCanBeResumedWithTheSameToken() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(guest);
        assertEquals(Optional.empty(), resume("short-lived", guest.token()));
        channel.vanish("short-lived"); // gone before the greeting could tell it its new token
        service.disconnect("short-lived", Closure.DROPPED);
        fire(Timer.ResumeGreeting.class);
        assertEquals(
                Optional.empty(),
                resume("third-time-lucky", guest.token()),
                "the client has no other token");
        fire(Timer.ResumeGreeting.class);
        assertEquals(guest.peerId(), frames("third-time-lucky").get(0).get("id").asInt());
        assertEquals(Optional.of(ResumeRefusal.FORBIDDEN), resume("later", guest.token()));
    }

    @Test
    void anotherGamesOrPlayersTokenIsRefused() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(guest);
        assertEquals(
                Optional.of(ResumeRefusal.FORBIDDEN),
                service.resume(
                        "other-game",
                        true,
                        "racing",
                        Optional.empty(),
                        Optional.empty(),
                        guest.token()));
        assertEquals(
                Optional.of(ResumeRefusal.FORBIDDEN),
                service.resume(
                        "other-player",
                        true,
                        "default",
                        Optional.empty(),
                        Optional.of("mallory"),
                        guest.token()));
        assertEquals(
                Optional.of(ResumeRefusal.FORBIDDEN),
                service.resume(
                        "demo",
                        false,
                        "default",
                        Optional.empty(),
                        Optional.empty(),
                        guest.token()),
                "resuming is an extension");
    }

    @Test
    void resumingOffRefusesWithGoneAndSendsNoToken() throws Exception {
        service = service(LIMITS);
        Client client = connect(true);
        send(client.id(), MessageType.JOIN, 0, "");
        assertTrue(
                frames(client.id()).stream()
                        .noneMatch(f -> f.get("type").asInt() == MessageType.RESUME.code()));
        assertEquals(
                Optional.of(ResumeRefusal.GONE), resume("any", "r1.eA.2.AAAAAAAAAAAAAAAAAAAAAA"));
    }

    @Test
    void resumingALiveConnectionTakesItOver() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        // The client lost its socket but the server has not noticed yet.
        assertEquals(Optional.empty(), resume("new-socket", guest.token()));
        assertTrue(channel.isClosed(guest.id()), "one live connection per peer");
        fire(Timer.ResumeGreeting.class);
        assertEquals(guest.peerId(), frames("new-socket").get(0).get("id").asInt());
        service.disconnect(guest.id(), Closure.ASKED); // the old socket's late $disconnect
        frames(host.id());
        send(host.id(), MessageType.OFFER, guest.peerId(), "to the new one");
        assertEquals(List.of("4/1/to the new one"), shown("new-socket"));
    }

    @Test
    void aPeerThatDropsAgainResumesAgainWithItsNewToken() throws Exception {
        Resumable host = host();
        Resumable guest = guest(host.peer().lobby());
        drop(guest);
        List<JsonNode> greeting = resumeAndGreet(guest, "second-socket");
        Resumable again =
                new Resumable(
                        new Peer(
                                new Client("second-socket", true),
                                guest.peerId(),
                                host.peer().lobby()),
                        greeting.get(1).get("data").asText());
        drop(again);
        send(host.id(), MessageType.OFFER, guest.peerId(), "kept again");
        List<String> third =
                resumeAndGreet(again, "third-socket").stream().map(ServiceFixture::show).toList();
        assertEquals("4/1/kept again", third.get(third.size() - 1));
        assertEquals(
                Optional.of(ResumeRefusal.FORBIDDEN),
                resume("stale", guest.token()),
                "the first token was used");
    }
}
