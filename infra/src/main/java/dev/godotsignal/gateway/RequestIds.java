package dev.godotsignal.gateway;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ids the emulated services stamp on requests, messages and invocations: version-4 UUIDs from a
 * plain random source. They are opaque labels, not secrets, and {@link UUID#randomUUID()}'s
 * SecureRandom, taken several times for every frame, showed in the gateway's profile.
 */
final class RequestIds {
    private RequestIds() {}

    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
