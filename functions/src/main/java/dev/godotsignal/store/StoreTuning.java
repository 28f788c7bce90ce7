package dev.godotsignal.store;

import java.time.Duration;

/**
 * How the DynamoDB store behaves in time and under contention; passed in, so tests and other
 * deployments can change it without touching the tables' code.
 *
 * @param itemLifetime API Gateway closes a connection after 2 h; items outlive that by a margin,
 *     then expire
 * @param tombstoneLifetime how long a departed member keeps late relays to it from being errors
 * @param reservationLifetime how long a reserved, not yet admitted id stays taken if its join never
 *     completes
 * @param memberCacheLifetime how long a member read on the relay path is reused by one environment
 * @param memberCacheSize how many members one environment remembers
 * @param maxAttempts how often a contended write is tried before the store gives up
 * @param maxRateLease the most rate tokens one environment takes ahead for a demo connection's
 *     frames (see {@link RateLeases}); 1 makes every frame write
 */
public record StoreTuning(
        Duration itemLifetime,
        Duration tombstoneLifetime,
        Duration reservationLifetime,
        Duration memberCacheLifetime,
        int memberCacheSize,
        int maxAttempts,
        int maxRateLease) {

    public static StoreTuning defaults() {
        return new StoreTuning(
                Duration.ofHours(2).plusMinutes(10),
                Duration.ofMinutes(2),
                Duration.ofMinutes(2),
                Duration.ofSeconds(30),
                10_000,
                64,
                16);
    }
}
