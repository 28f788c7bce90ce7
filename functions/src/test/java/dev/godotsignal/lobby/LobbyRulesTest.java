package dev.godotsignal.lobby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LobbyRulesTest {

    @Test
    void theCreatorsJoinIdChoosesTheMode() {
        assertEquals(LobbyMode.MESH, LobbyMode.fromJoinId(0));
        assertEquals(LobbyMode.CLIENT_SERVER, LobbyMode.fromJoinId(1));
        assertEquals(LobbyMode.CLIENT_SERVER, LobbyMode.fromJoinId(42));
    }

    @Test
    void inAMeshEveryPairIsLinked() {
        assertTrue(LobbyRules.linked(LobbyMode.MESH, 1, 5));
        assertTrue(LobbyRules.linked(LobbyMode.MESH, 5, 9));
        assertFalse(LobbyRules.linked(LobbyMode.MESH, 5, 5));
    }

    @Test
    void inClientServerOnlyTheHostIsLinkedToClients() {
        assertTrue(LobbyRules.linked(LobbyMode.CLIENT_SERVER, 1, 5));
        assertTrue(LobbyRules.linked(LobbyMode.CLIENT_SERVER, 5, 1));
        assertFalse(LobbyRules.linked(LobbyMode.CLIENT_SERVER, 5, 9));
    }

    @Test
    void relaysGoOnlyToLinkedOtherPeers() {
        assertTrue(LobbyRules.mayRelay(LobbyMode.MESH, 5, 1));
        assertTrue(LobbyRules.mayRelay(LobbyMode.CLIENT_SERVER, 1, 9));
        assertFalse(LobbyRules.mayRelay(LobbyMode.CLIENT_SERVER, 5, 9));
        assertFalse(LobbyRules.mayRelay(LobbyMode.MESH, 5, 5));
        assertFalse(LobbyRules.mayRelay(LobbyMode.MESH, 5, 0));
    }

    @Test
    void guestIdsStayIn2To2pow31Minus1() {
        // A generator at both ends of its range.
        PeerIds low = new PeerIds(new FixedRandom(0));
        PeerIds high = new PeerIds(new FixedRandom(Integer.MAX_VALUE - 2));
        assertEquals(2, low.nextGuest());
        assertEquals(Integer.MAX_VALUE, high.nextGuest());
        PeerIds ids = new PeerIds(new SecureRandom());
        for (int i = 0; i < 10_000; i++) {
            int id = ids.nextGuest();
            assertTrue(id >= PeerIds.MIN_GUEST, "never the host's id or below");
        }
    }

    @Test
    void lobbyNamesAreLongRandomAlphanumerics() {
        LobbyNames names = new LobbyNames(new SecureRandom());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String name = names.next();
            assertTrue(name.matches("[A-Za-z0-9]{20}"), name);
            assertTrue(seen.add(name));
        }
        assertTrue(LobbyNames.isJoinable("AbC123"));
        assertFalse(LobbyNames.isJoinable(""));
        assertFalse(LobbyNames.isJoinable("#live"));
        assertFalse(LobbyNames.isJoinable("has space"));
        assertFalse(LobbyNames.isJoinable("x".repeat(65)));
    }

    @Test
    void limitsRefuseNonsense() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Limits(
                                1,
                                10,
                                1024,
                                Duration.ZERO,
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(5),
                                50,
                                400,
                                Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Limits(
                                8,
                                0,
                                1024,
                                Duration.ZERO,
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(5),
                                50,
                                400,
                                Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Limits(
                                8,
                                10,
                                128 * 1024,
                                Duration.ZERO,
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(5),
                                50,
                                400,
                                Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Limits(
                                8,
                                10,
                                1024,
                                Duration.ofSeconds(-1),
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(5),
                                50,
                                400,
                                Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Limits(
                                8,
                                10,
                                1024,
                                Duration.ZERO,
                                Duration.ZERO,
                                Duration.ofMinutes(5),
                                50,
                                400,
                                Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Limits(
                                8,
                                10,
                                1024,
                                Duration.ZERO,
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(16),
                                50,
                                400,
                                Duration.ZERO));
    }

    /** A SecureRandom whose nextInt(bound) always answers the same value. */
    static final class FixedRandom extends SecureRandom {
        private final int value;

        FixedRandom(int value) {
            this.value = value;
        }

        @Override
        public int nextInt(int bound) {
            return value;
        }
    }
}
