package dev.godotsignal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godotsignal.lobby.Member;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemberCacheTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Member member(int peerId) {
        return new Member(peerId, "conn-" + peerId, false, peerId);
    }

    @Test
    void remembersAMemberForItsLifetimeOnly() {
        MemberCache cache = new MemberCache(10, Duration.ofSeconds(30));
        cache.put("LOBBY", member(7), T0);
        assertEquals(Optional.of(member(7)), cache.get("LOBBY", 7, T0.plusSeconds(29)));
        assertEquals(Optional.empty(), cache.get("LOBBY", 7, T0.plusSeconds(30)), "expired");
        assertEquals(Optional.empty(), cache.get("OTHER", 7, T0), "per lobby");
    }

    @Test
    void forgetsAGoneConnectionAndAWholeLobbyButNoOtherLobby() {
        MemberCache cache = new MemberCache(10, Duration.ofSeconds(30));
        cache.put("AB", member(2), T0);
        cache.put("AB", member(3), T0);
        cache.put("ABC", member(2), T0);
        cache.forgetConnection("conn-2");
        assertEquals(Optional.empty(), cache.get("AB", 2, T0));
        assertEquals(Optional.empty(), cache.get("ABC", 2, T0));
        cache.put("ABC", member(2), T0);
        assertEquals(Optional.of(member(3)), cache.get("AB", 3, T0));
        cache.forgetLobby("AB");
        assertEquals(Optional.empty(), cache.get("AB", 3, T0));
        assertEquals(
                Optional.of(member(2)),
                cache.get("ABC", 2, T0),
                "a lobby whose name starts alike is kept");
    }

    @Test
    void staysWithinItsCapacityDroppingTheLeastRecentlyUsed() {
        MemberCache cache = new MemberCache(2, Duration.ofSeconds(30));
        cache.put("L", member(1), T0);
        cache.put("L", member(2), T0);
        cache.get("L", 1, T0);
        cache.put("L", member(3), T0);
        assertEquals(Optional.empty(), cache.get("L", 2, T0));
        assertEquals(Optional.of(member(1)), cache.get("L", 1, T0));
        assertEquals(Optional.of(member(3)), cache.get("L", 3, T0));
    }
}
