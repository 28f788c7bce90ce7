package dev.godotsignal.lobby;

import java.util.List;

/** A live lobby and its present members, in join order. */
public record Lobby(String name, LobbyMode mode, boolean sealed, List<Member> members) {
    public Lobby {
        members = List.copyOf(members);
    }
}
