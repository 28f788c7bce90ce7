package dev.godotsignal.store;

import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.protocol.ErrorReason;
import java.util.List;

/** The result of creating or joining a lobby. */
public sealed interface JoinOutcome {

    /**
     * Admitted as {@code peerId}. {@code earlier}: the members admitted before this one, still
     * present; each later joiner announces itself, so every pair is announced exactly once.
     */
    record Joined(String lobby, int peerId, LobbyMode mode, List<Member> earlier) implements JoinOutcome {
        public Joined {
            earlier = List.copyOf(earlier);
        }
    }

    /** An id reserved in a lobby (first step of a join), not yet admitted. */
    record Reserved(String lobby, int peerId, LobbyMode mode) implements JoinOutcome {
    }

    /** Refused; the reason is the one the client is told. */
    record Refused(ErrorReason reason) implements JoinOutcome {
    }

    /** The connection record is gone (closed meanwhile, or expired): nobody to answer. */
    record NotConnected() implements JoinOutcome {
    }
}
