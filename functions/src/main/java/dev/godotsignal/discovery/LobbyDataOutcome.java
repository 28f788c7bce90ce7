package dev.godotsignal.discovery;

import dev.godotsignal.lobby.LobbyData;
import dev.godotsignal.lobby.Member;
import java.util.List;

/** What a LOBBY_DATA request did. */
public sealed interface LobbyDataOutcome {

    /** Stored; {@code members} are the lobby's members, to be told. */
    record Changed(LobbyData data, List<Member> members) implements LobbyDataOutcome {
        public Changed {
            members = List.copyOf(members);
        }
    }

    record Refused(Refusal refusal) implements LobbyDataOutcome {}

    enum Refusal {
        LOBBY_GONE,
        LOBBY_SEALED,
        /** {@code maxPeers} below the lobby's present peer count. */
        BELOW_PEER_COUNT
    }
}
