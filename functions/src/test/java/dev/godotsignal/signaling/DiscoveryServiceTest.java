package dev.godotsignal.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.discovery.ListQuery;
import dev.godotsignal.discovery.ListedPage;
import dev.godotsignal.discovery.LobbyDirectory;
import dev.godotsignal.discovery.LobbyListing;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.MessageType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Lobby discovery's rules with the in-memory store: LOBBY_DATA, MATCH, games and the list. {@code
 * DiscoveryEndToEndTest} and {@code QuickMatchAtScaleTest} run them through the gateway and
 * DynamoDB Local.
 */
class DiscoveryServiceTest extends ServiceFixture {
    final LobbyDirectory directory = new LobbyDirectory(store, clock);

    static String refusal(ErrorReason reason) {
        return MessageType.ERROR.code() + "/0/" + reason.text();
    }

    void lobbyData(Peer peer, String json) {
        send(peer.id(), MessageType.LOBBY_DATA, 0, json);
    }

    /** The LOBBY_DATA frames a connection got, parsed. */
    List<JsonNode> lobbyDataFrames(String connectionId) throws Exception {
        List<JsonNode> data = new ArrayList<>();
        for (JsonNode frame : frames(connectionId)) {
            if (frame.get("type").asInt() == MessageType.LOBBY_DATA.code()) {
                assertEquals(PeerIds.HOST, frame.get("id").asInt());
                data.add(JSON.readTree(frame.get("data").asText()));
            }
        }
        return data;
    }

    Peer publicLobby(Map<String, Object> data) throws Exception {
        Peer host = host(true);
        lobbyData(host, JSON.writeValueAsString(Map.of("public", true, "data", data)));
        channel.take(host.id());
        return host;
    }

    /** A matcher's frames until its JOIN confirmation: its peer id and lobby, or its error. */
    record Matched(Client client, int peerId, String lobby, List<String> frames) {}

    Matched match(String game, String request) throws Exception {
        Client client = connect(true, game);
        send(client.id(), MessageType.MATCH, 0, request);
        List<String> shown = shown(client.id());
        int peerId = -1;
        String lobby = null;
        for (String frame : shown) {
            String[] parts = frame.split("/", 3);
            if (parts[0].equals(Integer.toString(MessageType.ID.code()))) {
                peerId = Integer.parseInt(parts[1]);
            } else if (parts[0].equals(Integer.toString(MessageType.JOIN.code()))) {
                lobby = parts[2];
            }
        }
        return new Matched(client, peerId, lobby, shown);
    }

    ListedPage list(Map<String, String> parameters) throws Exception {
        return directory.list(ListQuery.parse(parameters));
    }

    static List<String> names(ListedPage page) {
        return page.lobbies().stream().map(LobbyListing::name).toList();
    }

    @Test
    void theHostsLobbyDataGoesToEveryExtPeerAndNoDemoClient() throws Exception {
        Peer host = host(true);
        Peer ext = join(host.lobby(), true);
        Peer demo = join(host.lobby(), false);
        channel.take(host.id());
        channel.take(ext.id());

        lobbyData(host, "{\"public\":true,\"maxPeers\":3,\"data\":{\"map\":\"dunes\",\"n\":2}}");

        String expected =
                "{\"public\":true,\"maxPeers\":3,\"mesh\":true,\"data\":{\"map\":\"dunes\",\"n\":2},\"peers\":3}";
        assertEquals(List.of(JSON.readTree(expected)), lobbyDataFrames(host.id()));
        assertEquals(List.of(JSON.readTree(expected)), lobbyDataFrames(ext.id()));
        assertEquals(List.of(), channel.take(demo.id()));
    }

    @Test
    void keysLeftOutKeepTheirValues() throws Exception {
        Peer host = host(true);
        lobbyData(host, "{\"data\":{\"map\":\"dunes\"}}");
        lobbyData(host, "{\"public\":true}");
        List<JsonNode> told = lobbyDataFrames(host.id());
        assertEquals("dunes", told.get(1).path("data").path("map").asText());
        assertTrue(told.get(1).path("public").asBoolean());
        assertEquals(LIMITS.maxPeersPerLobby(), told.get(1).path("maxPeers").asInt());
    }

    @Test
    void anExtJoinerGetsTheLobbyDataRightAfterItsJoinConfirmation() throws Exception {
        Peer host = publicLobby(Map.of("map", "dunes"));
        Client client = connect(true);
        send(client.id(), MessageType.JOIN, 0, host.lobby());
        List<String> shown = shown(client.id());
        assertEquals(MessageType.JOIN.code() + "/0/" + host.lobby(), shown.get(shown.size() - 2));
        JsonNode data = JSON.readTree(shown.get(shown.size() - 1).split("/", 3)[2]);
        assertEquals(2, data.path("peers").asInt());
        assertEquals("dunes", data.path("data").path("map").asText());

        Client demo = connect(false);
        send(demo.id(), MessageType.JOIN, 0, host.lobby());
        List<String> demoFrames = shown(demo.id());
        assertEquals(
                MessageType.JOIN.code() + "/0/" + host.lobby(),
                demoFrames.get(demoFrames.size() - 1));
    }

    @Test
    void aLobbyWithoutDataTellsJoinersNothingNew() throws Exception {
        Peer host = host(true);
        Client client = connect(true);
        send(client.id(), MessageType.JOIN, 0, host.lobby());
        List<String> shown = shown(client.id());
        assertEquals(MessageType.JOIN.code() + "/0/" + host.lobby(), shown.get(shown.size() - 1));
    }

    @Test
    void badLobbyDataIsRefusedWithTheConnectionKeptAndNothingChanged() throws Exception {
        Peer host = host(true);
        Peer guest = join(host.lobby(), true);
        Peer third = join(host.lobby(), true);
        channel.take(host.id());
        channel.take(guest.id());
        String big = "x".repeat(1100);
        for (String bad :
                List.of(
                        "[]",
                        "not json",
                        "\"public\"",
                        "{\"public\":\"yes\"}",
                        "{\"maxPeers\":2}", // below the 3 peers present
                        "{\"maxPeers\":1}",
                        "{\"maxPeers\":99}", // over the deployment's 4
                        "{\"maxPeers\":3.5}",
                        "{\"data\":{\"nested\":{\"a\":1}}}",
                        "{\"data\":{\"list\":[1]}}",
                        "{\"data\":{\"none\":null}}",
                        "{\"data\":[]}",
                        "{\"data\":{\"big\":\"" + big + "\"}}",
                        "{\"colour\":\"red\"}")) {
            lobbyData(host, bad);
            assertEquals(List.of(refusal(ErrorReason.INVALID_LOBBY_DATA)), shown(host.id()), bad);
        }
        assertFalse(channel.isClosed(host.id()));
        assertEquals(List.of(), channel.take(guest.id()));

        lobbyData(guest, "{\"public\":true}");
        assertEquals(List.of(refusal(ErrorReason.ONLY_HOST_CAN_SET_DATA)), shown(guest.id()));
        assertFalse(channel.isClosed(guest.id()));
        assertEquals(List.of(), channel.take(third.id()));
        assertEquals(List.of(), list(Map.of()).lobbies());
    }

    @Test
    void lobbyDataAfterSealIsRefused() throws Exception {
        Peer host = host(true);
        send(host.id(), MessageType.SEAL, 0, "");
        channel.take(host.id());
        lobbyData(host, "{\"public\":true}");
        assertEquals(List.of(refusal(ErrorReason.LOBBY_SEALED)), shown(host.id()));
    }

    @Test
    void forADemoClientTheExtensionTypesDoNotExist() throws Exception {
        Client demo = connect(false);
        send(demo.id(), MessageType.MATCH, 0, "{}");
        assertTrue(channel.isClosed(demo.id()));
        assertEquals(List.of(), channel.take(demo.id())); // a demo client only sees the close

        Peer host = host(true);
        Peer guest = join(host.lobby(), false);
        lobbyData(guest, "{\"public\":true}");
        assertTrue(channel.isClosed(guest.id()));
        assertEquals(List.of(), channel.take(guest.id()));
    }

    @Test
    void theFirstMatcherOpensAPublicLobbyAndTheNextFillIt() throws Exception {
        String request = "{\"maxPeers\":3,\"data\":{\"map\":\"dunes\"}}";
        Matched first = match("default", request);
        assertEquals(PeerIds.HOST, first.peerId());
        JsonNode data =
                JSON.readTree(first.frames().get(first.frames().size() - 1).split("/", 3)[2]);
        assertTrue(data.path("public").asBoolean());
        assertEquals(3, data.path("maxPeers").asInt());
        assertEquals("dunes", data.path("data").path("map").asText());

        Matched second = match("default", request);
        Matched third = match("default", request);
        assertEquals(first.lobby(), second.lobby());
        assertEquals(first.lobby(), third.lobby());
        assertTrue(second.frames().contains(MessageType.PEER_CONNECT.code() + "/1/"));
        assertEquals(List.of(), list(Map.of()).lobbies()); // full: no longer listed

        Matched fourth = match("default", request);
        assertEquals(PeerIds.HOST, fourth.peerId());
        assertNotEquals(first.lobby(), fourth.lobby());
    }

    @Test
    void matchersOfAnotherSizeModeOrGameGetLobbiesOfTheirOwn() throws Exception {
        Matched base = match("default", "{\"maxPeers\":3}");
        Matched otherSize = match("default", "{\"maxPeers\":4}");
        Matched otherMode = match("default", "{\"maxPeers\":3,\"mesh\":false}");
        Matched otherGame = match("racing", "{\"maxPeers\":3}");
        for (Matched other : List.of(otherSize, otherMode, otherGame)) {
            assertEquals(PeerIds.HOST, other.peerId(), other.frames().toString());
            assertNotEquals(base.lobby(), other.lobby());
        }
        assertEquals(
                MessageType.ID.code() + "/1/", otherMode.frames().get(0)); // client/server mode
    }

    @Test
    void matchWithWhereFindsTheLobbyWhoseDataFitsAndNotTheOthers() throws Exception {
        Peer deathmatch = host(true);
        lobbyData(deathmatch, "{\"public\":true,\"data\":{\"mode\":\"dm\",\"map\":\"a\"}}");
        Peer ctf = host(true);
        lobbyData(ctf, "{\"public\":true,\"data\":{\"mode\":\"ctf\",\"map\":\"b\"}}");
        Peer hidden = host(true);
        lobbyData(hidden, "{\"data\":{\"mode\":\"ctf\"}}");

        Matched matched = match("default", "{\"where\":{\"mode\":\"ctf\"}}");
        assertEquals(ctf.lobby(), matched.lobby());

        Matched none = match("default", "{\"where\":{\"mode\":\"koth\"},\"data\":{\"map\":\"c\"}}");
        assertEquals(PeerIds.HOST, none.peerId());
        JsonNode opened =
                JSON.readTree(none.frames().get(none.frames().size() - 1).split("/", 3)[2]);
        assertEquals(JSON.readTree("{\"mode\":\"koth\",\"map\":\"c\"}"), opened.path("data"));
    }

    @Test
    void badMatchRequestsCloseOnlyTheMatcher() throws Exception {
        Peer bystander = publicLobby(Map.of());
        for (String bad :
                List.of(
                        "[]",
                        "{\"maxPeers\":1}",
                        "{\"maxPeers\":\"4\"}",
                        "{\"mesh\":1}",
                        "{\"where\":{\"a\":{\"b\":1}}}",
                        "{\"data\":{\"big\":\"" + "y".repeat(2048) + "\"}}",
                        "{\"size\":4}")) {
            Client client = connect(true);
            send(client.id(), MessageType.MATCH, 0, bad);
            assertEquals(List.of(error(ErrorReason.INVALID_MATCH)), shown(client.id()), bad);
            assertTrue(channel.isClosed(client.id()));
        }
        assertEquals(List.of(), channel.take(bystander.id()));
        assertEquals(1, list(Map.of()).lobbies().get(0).peers());
    }

    @Test
    void matchAfterJoinIsASecondJoin() throws Exception {
        Peer host = host(true);
        send(host.id(), MessageType.MATCH, 0, "{}");
        assertEquals(List.of(error(ErrorReason.ALREADY_IN_LOBBY)), shown(host.id()));
    }

    @Test
    void aTokenBoundToOneLobbyCannotMatch() throws Exception {
        Client bound = new Client("bound", true);
        service.connect(bound.id(), true, "default", Optional.of("SomeLobby"), Optional.empty());
        send(bound.id(), MessageType.MATCH, 0, "{}");
        assertEquals(List.of(error(ErrorReason.LOBBY_NOT_ALLOWED)), shown(bound.id()));
    }

    @Test
    void gamesKeepTheirLobbiesApart() throws Exception {
        Client racer = connect(true, "racing");
        send(racer.id(), MessageType.JOIN, 0, "");
        String lobby = shown(racer.id()).get(1).split("/", 3)[2];

        Client stranger = connect(true); // the default game
        send(stranger.id(), MessageType.JOIN, 0, lobby);
        assertEquals(List.of(error(ErrorReason.LOBBY_NOT_FOUND)), shown(stranger.id()));

        Client teammate = connect(true, "racing");
        send(teammate.id(), MessageType.JOIN, 0, lobby);
        List<String> shown = shown(teammate.id());
        assertEquals(MessageType.JOIN.code() + "/0/" + lobby, shown.get(shown.size() - 1));
    }

    @Test
    void theListShowsPublicOpenLobbiesOfOneGameOldestFirst() throws Exception {
        Peer hidden = host(true);
        Peer older = publicLobby(Map.of("map", "a"));
        Peer newer = publicLobby(Map.of("map", "b", "ranked", false, "level", 3));
        Client racer = connect(true, "racing");
        send(racer.id(), MessageType.JOIN, 0, "");
        Peer sealed = publicLobby(Map.of());
        send(sealed.id(), MessageType.SEAL, 0, "");

        assertEquals(List.of(older.lobby(), newer.lobby()), names(list(Map.of())));
        assertEquals(List.of(newer.lobby()), names(list(Map.of("map", "b"))));
        assertEquals(List.of(newer.lobby()), names(list(Map.of("ranked", "false", "level", "3"))));
        assertEquals(List.of(), names(list(Map.of("map", "c"))));
        assertEquals(List.of(), names(list(Map.of("game", "racing"))));
        assertFalse(names(list(Map.of())).contains(hidden.lobby()));

        service.disconnect(older.id(), Closure.ASKED); // the host left: the lobby is gone
        assertEquals(List.of(newer.lobby()), names(list(Map.of())));
    }

    @Test
    void aFullLobbyLeavesTheListAndComesBackWhenAGuestLeaves() throws Exception {
        Peer host = host(true);
        lobbyData(host, "{\"public\":true,\"maxPeers\":2}");
        Peer guest = join(host.lobby(), true);
        assertEquals(List.of(), names(list(Map.of())));
        service.disconnect(guest.id(), Closure.ASKED);
        assertEquals(List.of(host.lobby()), names(list(Map.of())));
    }

    @Test
    void theListPagesWithACursor() throws Exception {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(publicLobby(Map.of()).lobby());
        }
        List<String> seen = new ArrayList<>();
        Map<String, String> parameters = new HashMap<>(Map.of("limit", "3"));
        int pages = 0;
        while (true) {
            ListedPage page = list(parameters);
            seen.addAll(names(page));
            pages++;
            if (page.next().isEmpty()) {
                break;
            }
            parameters.put("cursor", page.next().get().encode());
        }
        assertEquals(all, seen);
        assertEquals(3, pages);
    }

    @Test
    void badListQueriesAreRefused() {
        String otherGamesCursor =
                "eyJvIjoiMDAwMDAwMDAwMDAwMSNyYWNpbmcvQUJDIiwibCI6InJhY2luZy9BQkMifQ";
        for (Map<String, String> bad :
                List.of(
                        Map.of("game", "no spaces"),
                        Map.of("game", "x".repeat(33)),
                        Map.of("limit", "0"),
                        Map.of("limit", "101"),
                        Map.of("limit", "many"),
                        Map.of("cursor", "garbage!"),
                        Map.of("cursor", otherGamesCursor),
                        Map.of("", "x"))) {
            try {
                ListQuery.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (ListQuery.BadQuery expected) {
                assertFalse(expected.getMessage().isEmpty());
            }
        }
    }
}
