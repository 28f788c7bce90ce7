package dev.godotsignal.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.relay.RelayIntent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The protocol's rules in milliseconds: the service with the in-memory store, a recording peer
 * channel, timers fired by hand and a fixed clock. The end-to-end tests run the same rules through
 * Jetty, the handlers and DynamoDB Local; these pin the rules themselves.
 */
class SignalingServiceTest extends ServiceFixture {
    @Test
    void creatingALobbyAnswersIdOneThenTheJoinConfirmation() throws Exception {
        Client client = connect(true);
        send(client.id(), MessageType.JOIN, 0, "");
        List<JsonNode> frames = frames(client.id());
        assertEquals("1/1/true", show(frames.get(0)));
        assertEquals(MessageType.JOIN.code(), frames.get(1).get("type").asInt());
        assertEquals(LobbyNames.LENGTH, frames.get(1).get("data").asText().length());
        assertEquals(2, frames.size());
    }

    @Test
    void aMeshJoinerMeetsEveryEarlierPeerAndEachOfThemMeetsIt() throws Exception {
        Peer host = host(true);
        Peer first = join(host.lobby(), true);
        assertEquals(List.of("2/" + first.peerId() + "/"), shown(host.id()));
        Client second = connect(true);
        send(second.id(), MessageType.JOIN, 0, host.lobby());
        List<String> frames = shown(second.id());
        int secondId = Integer.parseInt(frames.get(0).split("/", -1)[1]);
        assertEquals(
                List.of(
                        "1/" + secondId + "/true",
                        "2/1/",
                        "2/" + first.peerId() + "/",
                        "0/0/" + host.lobby()),
                frames);
        assertEquals(List.of("2/" + secondId + "/"), shown(host.id()));
        assertEquals(List.of("2/" + secondId + "/"), shown(first.id()));
    }

    /**
     * The larger id of a pair offers as soon as it hears of the other (the demo client's rule), so
     * the smaller id must hear of it first: a Godot client rejects an OFFER from a peer it was not
     * told of. A joiner's peers with smaller ids hear of it before it hears of them; those with
     * larger ids after.
     */
    @Test
    void inEachPairTheSmallerIdHearsOfTheOtherFirst() throws Exception {
        boolean joinerOffers = false;
        boolean joinerIsOffered = false;
        for (int lobby = 0; lobby < 20 && !(joinerOffers && joinerIsOffered); lobby++) {
            Peer host = host(true);
            Peer first = join(host.lobby(), true);
            Client second = connect(true);
            send(second.id(), MessageType.JOIN, 0, host.lobby());
            int secondId = Integer.parseInt(shown(second.id()).get(0).split("/", -1)[1]);
            List<String> order = channel.order();
            for (Peer other : List.of(host, first)) {
                int toldOther = indexOf(order, other.id(), secondId);
                int toldSecond = indexOf(order, second.id(), other.peerId());
                assertTrue(toldOther >= 0 && toldSecond >= 0, order.toString());
                if (other.peerId() < secondId) {
                    joinerOffers = true;
                    assertTrue(toldOther < toldSecond, "the peer hears first: " + order);
                } else {
                    joinerIsOffered = true;
                    assertTrue(toldSecond < toldOther, "the joiner hears first: " + order);
                }
            }
        }
        assertTrue(joinerOffers && joinerIsOffered, "both orders met");
    }

    /** Where in the channel's order {@code connectionId} was sent PEER_CONNECT({@code peerId}). */
    private static int indexOf(List<String> order, String connectionId, int peerId) {
        String told = "{\"type\":2,\"id\":" + peerId + ",";
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).startsWith(connectionId + " ") && order.get(i).contains(told)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void clientServerIntroducesClientsToTheHostOnly() throws Exception {
        Peer host = host(false);
        Peer first = join(host.lobby(), true);
        Client second = connect(true);
        send(second.id(), MessageType.JOIN, 0, host.lobby());
        List<String> frames = shown(second.id());
        int secondId = Integer.parseInt(frames.get(0).split("/", -1)[1]);
        assertEquals(List.of("1/" + secondId + "/", "2/1/", "0/0/" + host.lobby()), frames);
        assertEquals(List.of(), shown(first.id()), "clients never meet each other");
        assertEquals(List.of("2/" + first.peerId() + "/", "2/" + secondId + "/"), shown(host.id()));

        send(first.id(), MessageType.OFFER, secondId, "sdp");
        assertEquals(List.of(error(ErrorReason.INVALID_DESTINATION)), shown(first.id()));
        assertTrue(channel.isClosed(first.id()));
        assertEquals(
                List.of("3/" + first.peerId() + "/"), shown(host.id()), "its host is told it left");
        assertEquals(List.of(), shown(second.id()), "the other client never knew it");
    }

    @Test
    void relaysCarryTheSendersIdStampedByTheServer() throws Exception {
        Peer host = host(true);
        Peer guest = join(host.lobby(), true);
        shown(host.id());
        send(guest.id(), MessageType.OFFER, 1, "v=0 offer");
        assertEquals(List.of("4/" + guest.peerId() + "/v=0 offer"), shown(host.id()));
        send(host.id(), MessageType.ANSWER, guest.peerId(), "v=0 answer");
        assertEquals(List.of("5/1/v=0 answer"), shown(guest.id()));
    }

    @Test
    void relaysStayInsideTheSendersLobby() throws Exception {
        Peer host = host(true);
        Peer guest = join(host.lobby(), true);
        Peer otherHost = host(true);
        Peer outsider = join(otherHost.lobby(), true);
        shown(otherHost.id());
        send(guest.id(), MessageType.OFFER, outsider.peerId(), "sdp");
        assertEquals(List.of(error(ErrorReason.INVALID_DESTINATION)), shown(guest.id()));
        assertEquals(List.of(), shown(outsider.id()));
        assertEquals(List.of(), shown(otherHost.id()));
    }

    @Test
    void aCandidateThatOvertakesItsDescriptionWaitsForIt() throws Exception {
        Peer host = host(true);
        Peer guest = join(host.lobby(), true);
        shown(host.id());
        send(guest.id(), MessageType.CANDIDATE, 1, "\n0\n0\ncandidate:1");
        assertEquals(List.of(), shown(host.id()), "held: its description has not been delivered");
        send(guest.id(), MessageType.OFFER, 1, "sdp");
        assertEquals(
                List.of(
                        "4/" + guest.peerId() + "/sdp",
                        "6/" + guest.peerId() + "/\n0\n0\ncandidate:1"),
                shown(host.id()));
        send(guest.id(), MessageType.CANDIDATE, 1, "\n0\n0\ncandidate:2");
        assertEquals(
                List.of("6/" + guest.peerId() + "/\n0\n0\ncandidate:2"),
                shown(host.id()),
                "after it, at once");
    }

    @Test
    void sealTellsEveryoneClosesTheirSignalingAfterTheDelayAndRefusesLaterJoins() throws Exception {
        Peer host = host(true);
        Peer guest = join(host.lobby(), false);
        shown(host.id());
        timers.take();
        send(host.id(), MessageType.SEAL, 0, "");
        assertEquals(List.of("7/0/"), shown(host.id()));
        assertEquals(List.of("7/0/"), shown(guest.id()));
        List<ManualTimers.Scheduled> scheduled = timers.take();
        assertEquals(
                List.of(
                        new ManualTimers.Scheduled(
                                new Timer.SealClose(host.lobby()), LIMITS.sealCloseDelay())),
                scheduled);

        Client late = connect(true);
        send(late.id(), MessageType.JOIN, 0, host.lobby());
        assertEquals(List.of(error(ErrorReason.LOBBY_SEALED)), shown(late.id()));

        service.fire(scheduled.get(0).timer());
        assertTrue(channel.isClosed(host.id()) && channel.isClosed(guest.id()));
    }

    @Test
    void onlyTheHostSeals() throws Exception {
        Peer host = host(true);
        Peer guest = join(host.lobby(), true);
        send(guest.id(), MessageType.SEAL, 0, "");
        assertEquals(List.of(error(ErrorReason.ONLY_HOST_CAN_SEAL)), shown(guest.id()));
        assertTrue(channel.isClosed(guest.id()));
    }

    @Test
    void anOffenderAloneIsErroredClosedAndAnnouncedAsALeave() throws Exception {
        Peer host = host(true);
        Peer offender = join(host.lobby(), true);
        Peer bystander = join(host.lobby(), true);
        shown(host.id());
        shown(offender.id());
        service.text(offender.id(), "{not json");
        assertEquals(List.of(error(ErrorReason.INVALID_FORMAT)), shown(offender.id()));
        assertTrue(channel.isClosed(offender.id()));
        assertEquals(List.of("3/" + offender.peerId() + "/"), shown(host.id()));
        assertEquals(List.of("3/" + offender.peerId() + "/"), shown(bystander.id()));
        assertFalse(channel.isClosed(host.id()) || channel.isClosed(bystander.id()));
    }

    @Test
    void aDemoClientGetsNoErrorFrameOnlyTheClose() throws Exception {
        Peer host = host(true);
        Peer demo = join(host.lobby(), false);
        service.binary(demo.id());
        assertEquals(List.of(), shown(demo.id()), "no extension frames without ?ext=1");
        assertTrue(channel.isClosed(demo.id()));
    }

    @Test
    void theHostLeavingEndsTheLobbyForEveryone() throws Exception {
        Peer host = host(true);
        Peer withExt = join(host.lobby(), true);
        Peer demo = join(host.lobby(), false);
        shown(withExt.id());
        service.disconnect(host.id(), Closure.ASKED);
        assertEquals(List.of(error(ErrorReason.HOST_DISCONNECTED)), shown(withExt.id()));
        assertEquals(List.of(), shown(demo.id()));
        assertTrue(channel.isClosed(withExt.id()) && channel.isClosed(demo.id()));
        assertEquals(0, store.lobbyCount());
    }

    @Test
    void afterTheSealAGuestLeavingIsNotAnnounced() throws Exception {
        Peer host = host(true);
        Peer guest = join(host.lobby(), true);
        send(host.id(), MessageType.SEAL, 0, "");
        shown(host.id());
        service.disconnect(guest.id(), Closure.ASKED);
        assertEquals(
                List.of(),
                shown(host.id()),
                "a PEER_DISCONNECT would make Godot drop a live WebRTC link");
    }

    @Test
    void aPeerFoundGoneIsRemovedAndAnnouncedOnce() throws Exception {
        Peer host = host(true);
        Peer vanished = join(host.lobby(), true);
        shown(host.id());
        channel.vanish(vanished.id());
        Client joiner = connect(true);
        send(joiner.id(), MessageType.JOIN, 0, host.lobby());
        List<String> toJoiner = shown(joiner.id());
        int joinerId = Integer.parseInt(toJoiner.get(0).split("/", -1)[1]);
        // Introduced to the vanished peer before it was found gone, then told it left.
        assertEquals(
                List.of(
                        "1/" + joinerId + "/true",
                        "2/1/",
                        "2/" + vanished.peerId() + "/",
                        "0/0/" + host.lobby(),
                        "3/" + vanished.peerId() + "/"),
                toJoiner);
        assertEquals(
                List.of("2/" + joinerId + "/", "3/" + vanished.peerId() + "/"), shown(host.id()));
        service.disconnect(
                vanished.id(), Closure.ASKED); // its $disconnect, late: nothing is announced twice
        assertEquals(List.of(), shown(host.id()));
        send(joiner.id(), MessageType.OFFER, vanished.peerId(), "sdp");
        assertEquals(
                List.of(),
                shown(joiner.id()),
                "a late relay to a peer that just left is dropped, not an error");
        assertFalse(channel.isClosed(joiner.id()));
    }

    @Test
    void aConnectionThatNeverJoinsIsClosedAtTheJoinDeadline() throws Exception {
        Client idle = connect(true);
        List<ManualTimers.Scheduled> scheduled = timers.take();
        assertEquals(
                List.of(
                        new ManualTimers.Scheduled(
                                new Timer.ConnectionCheck(idle.id()), LIMITS.joinDeadline())),
                scheduled);
        service.fire(scheduled.get(0).timer());
        assertEquals(List.of(error(ErrorReason.NOT_IN_LOBBY)), shown(idle.id()));
        assertTrue(channel.isClosed(idle.id()));
        assertEquals(0, store.connectionCount());
    }

    /**
     * A connection whose JOIN was admitted but has not finished by the deadline (queued behind a
     * burst, or retrying a contended lobby) is not idle: it gets one more deadline, then is closed
     * if it is still in no lobby.
     */
    @Test
    void aConnectionWithAJoinInFlightAtTheDeadlineGetsOneMore() throws Exception {
        Client joining = connect(false);
        Timer deadline = timers.take().get(0).timer();
        // Its JOIN is admitted (counted) and still being handled when the deadline is due.
        admittedAFrameOf(joining.id());
        service.fire(deadline);
        assertFalse(channel.isClosed(joining.id()));
        assertEquals(
                List.of(
                        new ManualTimers.Scheduled(
                                new Timer.JoinGrace(joining.id()), LIMITS.joinDeadline())),
                timers.take());
        // Still in no lobby when that one is due: closed.
        service.fire(new Timer.JoinGrace(joining.id()));
        assertTrue(channel.isClosed(joining.id()));
        assertEquals(0, store.connectionCount());

        // One that joined meanwhile is checked for liveness from then on.
        Client joined = connect(true);
        Timer second = timers.take().get(0).timer();
        admittedAFrameOf(joined.id());
        service.fire(second);
        Timer grace = timers.take().get(0).timer();
        send(joined.id(), MessageType.JOIN, 0, "");
        timers.take();
        service.fire(grace);
        assertFalse(channel.isClosed(joined.id()));
        assertEquals(
                List.of(
                        new ManualTimers.Scheduled(
                                new Timer.ConnectionCheck(joined.id()), LIMITS.livenessInterval())),
                timers.take());
    }

    /**
     * The deadline's read and its removal are not one step: a JOIN that commits in between (queued
     * until just then, under load) must keep its lobby. Closing the host there took the whole lobby
     * down with it (seen as a 4-peer session closed by the server in a fresh 25 x 4 benchmark).
     */
    @Test
    void aJoinThatCommitsWhileTheDeadlineIsHandledKeepsItsLobby() throws Exception {
        Client host = connect(false);
        Timer deadline = timers.take().get(0).timer();
        // The deadline reads the connection (silent, in no lobby); its JOIN runs right then.
        store.afterNextRead(() -> send(host.id(), MessageType.JOIN, 0, ""));
        service.fire(deadline);
        assertFalse(channel.isClosed(host.id()));
        List<String> toHost = shown(host.id());
        assertEquals(2, toHost.size(), "ID and JOIN: " + toHost);
        String lobby = toHost.get(1).substring("0/0/".length());
        assertEquals(
                1,
                store.lobby(Games.lobbyKey(Games.DEFAULT, lobby), clock.instant())
                        .orElseThrow()
                        .members()
                        .size());
        assertEquals(
                List.of(
                        new ManualTimers.Scheduled(
                                new Timer.ConnectionCheck(host.id()), LIMITS.livenessInterval())),
                timers.take());

        // The same race at the second deadline, after its JOIN was admitted in time.
        Client guest = connect(false);
        Timer second = timers.take().get(0).timer();
        admittedAFrameOf(guest.id());
        service.fire(second);
        Timer grace = timers.take().get(0).timer();
        store.afterNextRead(() -> send(guest.id(), MessageType.JOIN, 0, lobby));
        service.fire(grace);
        assertFalse(channel.isClosed(guest.id()));
        assertFalse(channel.isClosed(host.id()));
        assertEquals(
                2,
                store.lobby(Games.lobbyKey(Games.DEFAULT, lobby), clock.instant())
                        .orElseThrow()
                        .members()
                        .size());
    }

    /** A frame of the connection counted (as its JOIN's would be) and still being handled. */
    private void admittedAFrameOf(String connectionId) {
        store.admitMessage(
                connectionId,
                LIMITS.rateWindow(clock.instant()),
                new RelayIntent.None(),
                clock.instant());
    }

    @Test
    void aFloodIsCutOffAtTheBurstOfItsWindow() throws Exception {
        service =
                service(
                        new Limits(
                                4,
                                10,
                                16 * 1024,
                                Duration.ZERO,
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(5),
                                1,
                                3,
                                Duration.ZERO));
        Peer host = host(true); // its JOIN is the first message of the window
        send(host.id(), MessageType.OFFER, 7, "sdp"); // 2: an unknown peer, refused...
        assertEquals(List.of(error(ErrorReason.INVALID_DESTINATION)), shown(host.id()));
        Peer other = host(true);
        for (int i = 0; i < 2; i++) {
            send(other.id(), MessageType.SEAL, 0, "");
        }
        assertEquals(List.of("7/0/", "7/0/"), shown(other.id()));
        send(other.id(), MessageType.SEAL, 0, "");
        assertEquals(
                List.of(error(ErrorReason.RATE_LIMITED)),
                shown(other.id()),
                "the 4th message of a 3-message window");
        assertTrue(channel.isClosed(other.id()));
    }

    @Test
    void joiningTwiceOrAnUnknownOrFullLobbyIsRefused() throws Exception {
        Peer host = host(true);
        send(host.id(), MessageType.JOIN, 0, "");
        assertEquals(List.of(error(ErrorReason.ALREADY_IN_LOBBY)), shown(host.id()));

        Peer other = host(true);
        Client lost = connect(true);
        send(lost.id(), MessageType.JOIN, 0, "NoSuchLobby");
        assertEquals(List.of(error(ErrorReason.LOBBY_NOT_FOUND)), shown(lost.id()));

        for (int i = 0; i < LIMITS.maxPeersPerLobby() - 1; i++) {
            join(other.lobby(), true);
        }
        Client late = connect(true);
        send(late.id(), MessageType.JOIN, 0, other.lobby());
        assertEquals(List.of(error(ErrorReason.TOO_MANY_PEERS)), shown(late.id()));
    }
}
