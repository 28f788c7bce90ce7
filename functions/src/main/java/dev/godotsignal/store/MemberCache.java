package dev.godotsignal.store;

import dev.godotsignal.lobby.Member;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Present members, remembered for a short while by one execution environment: a member never
 * changes while it stays, so the relay path can skip its read. A member that left meanwhile costs
 * at most a frame sent to a closed connection, which answers 410 and is cleaned up idempotently, as
 * a stale read would; the entry is dropped as soon as this environment sees the departure.
 */
final class MemberCache {
    private record Entry(Member member, Instant expires) {}

    private final Duration lifetime;
    private final Map<String, Entry> entries;

    MemberCache(int capacity, Duration lifetime) {
        this.lifetime = lifetime;
        this.entries =
                new LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                        return size() > capacity;
                    }
                };
    }

    synchronized Optional<Member> get(String lobby, int peerId, Instant now) {
        String key = key(lobby, peerId);
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!now.isBefore(entry.expires())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.member());
    }

    synchronized void put(String lobby, Member member, Instant now) {
        entries.put(key(lobby, member.peerId()), new Entry(member, now.plus(lifetime)));
    }

    /** A connection seen gone (its departure, or a 410 after another environment saw it leave). */
    synchronized void forgetConnection(String connectionId) {
        entries.values().removeIf(entry -> entry.member().connectionId().equals(connectionId));
    }

    /** Every member of a lobby (its host left: the lobby is gone). */
    synchronized void forgetLobby(String lobby) {
        entries.keySet().removeIf(key -> key.startsWith(lobby + "/"));
    }

    private static String key(String lobby, int peerId) {
        return lobby + "/" + peerId;
    }
}
