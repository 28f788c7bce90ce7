package dev.godotsignal.lobby;

import java.security.SecureRandom;

/**
 * Peer ids: the creator is always {@link #HOST}; everyone else gets a random id in 2..2^31-1.
 * Uniqueness within the lobby is enforced by the store's conditional write, not hoped for.
 */
public final class PeerIds {
    public static final int HOST = 1;
    public static final int MIN_GUEST = 2;

    private final SecureRandom random;

    public PeerIds(SecureRandom random) {
        this.random = random;
    }

    public int nextGuest() {
        // nextInt(bound) is in [0, bound); Integer.MAX_VALUE - 1 values land on [2, 2^31 - 1].
        return MIN_GUEST + random.nextInt(Integer.MAX_VALUE - 1);
    }
}
