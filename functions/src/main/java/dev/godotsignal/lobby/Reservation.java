package dev.godotsignal.lobby;

/** The first step of joining a lobby: a fresh id held for the joiner, or why not. */
public sealed interface Reservation {

    /** An id reserved in a lobby, not yet admitted. */
    record Reserved(String lobby, int peerId, LobbyMode mode) implements Reservation {}

    record Refused(JoinRefusal refusal) implements Reservation {}
}
