package dev.godotsignal.lobby;

import java.time.Duration;

/** The configurable limits (template parameters), validated once at start-up. */
public record Limits(int maxPeersPerLobby, int maxLobbies, int maxMessageBytes, Duration sealCloseDelay) {

    /** API Gateway's own message limit; ours must stay below it. */
    public static final int API_GATEWAY_MAX_MESSAGE_BYTES = 128 * 1024;

    public Limits {
        if (maxPeersPerLobby < 2) {
            throw new IllegalArgumentException("maxPeersPerLobby must be at least 2, was " + maxPeersPerLobby);
        }
        if (maxLobbies < 1) {
            throw new IllegalArgumentException("maxLobbies must be at least 1, was " + maxLobbies);
        }
        if (maxMessageBytes < 256 || maxMessageBytes >= API_GATEWAY_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes must be in 256..131071, was " + maxMessageBytes);
        }
        if (sealCloseDelay.isNegative()) {
            throw new IllegalArgumentException("sealCloseDelay must not be negative");
        }
    }

    public static Limits defaults() {
        return new Limits(32, 1024, 16 * 1024, Duration.ofSeconds(10));
    }
}
