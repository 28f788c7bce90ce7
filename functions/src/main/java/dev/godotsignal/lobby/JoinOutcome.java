package dev.godotsignal.lobby;

import java.util.List;

/** The result of creating a lobby, or of being admitted to one (the second step of a join). */
public sealed interface JoinOutcome {

    /**
     * Admitted as {@code peerId}. {@code earlier}: the members admitted before this one, still
     * present; each later joiner announces itself, so every pair is announced exactly once.
     */
    record Joined(String lobby, int peerId, LobbyMode mode, List<Member> earlier)
            implements JoinOutcome {
        public Joined {
            earlier = List.copyOf(earlier);
        }
    }

    /**
     * Refused: the lobby is gone, sealed or full, there are too many lobbies, or the peer is in
     * one.
     */
    record Refused(JoinRefusal refusal) implements JoinOutcome {}

    /** The connection record is gone (closed meanwhile, or expired): nobody to answer. */
    record NotConnected() implements JoinOutcome {}
}
