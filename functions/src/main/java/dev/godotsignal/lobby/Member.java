package dev.godotsignal.lobby;

/**
 * A peer of a lobby. {@code seq} orders joins: 1 for the host, then 2, 3… as peers are admitted.
 */
public record Member(int peerId, String connectionId, boolean extensions, long seq) {}
