package dev.godotsignal.lobby;

import java.util.List;

/** What removing a connection changed. */
public sealed interface LeaveOutcome {

    /** The connection was unknown or had not joined a lobby. */
    record NotInLobby() implements LeaveOutcome {}

    /**
     * It left {@code lobby}. {@code remaining}: the members still there (for a host, those of the
     * now destroyed lobby, whose connections must be closed).
     */
    record Left(
            String lobby,
            int peerId,
            LobbyMode mode,
            boolean sealed,
            boolean lobbyDestroyed,
            List<Member> remaining)
            implements LeaveOutcome {
        public Left {
            remaining = List.copyOf(remaining);
        }
    }
}
