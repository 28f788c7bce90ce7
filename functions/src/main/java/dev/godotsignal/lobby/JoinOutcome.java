package dev.godotsignal.lobby;

import java.util.List;
import java.util.Optional;

/** The result of creating a lobby, or of being admitted to one (the second step of a join). */
public sealed interface JoinOutcome {

    /**
     * Admitted as {@code peerId}. {@code earlier}: the members admitted before this one, still
     * present; each later joiner announces itself, so every pair is announced exactly once. {@code
     * data}: the lobby's data as the join left it, if it was ever set.
     */
    record Joined(
            String lobby,
            int peerId,
            LobbyMode mode,
            List<Member> earlier,
            Optional<LobbyData> data)
            implements JoinOutcome {
        public Joined {
            earlier = List.copyOf(earlier);
        }

        public Joined(String lobby, int peerId, LobbyMode mode, List<Member> earlier) {
            this(lobby, peerId, mode, earlier, Optional.empty());
        }
    }

    /**
     * Refused: the lobby is gone, sealed or full, there are too many lobbies, or the peer is in
     * one.
     */
    record Refused(JoinRefusal refusal) implements JoinOutcome {}

    /**
     * Creating a quick-match lobby lost a race: another matcher of the same pool opened {@code
     * current} first, and that is the lobby to try.
     */
    record Superseded(String current) implements JoinOutcome {}

    /** The connection record is gone (closed meanwhile, or expired): nobody to answer. */
    record NotConnected() implements JoinOutcome {}
}
