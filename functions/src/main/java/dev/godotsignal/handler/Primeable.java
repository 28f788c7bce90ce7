package dev.godotsignal.handler;

/**
 * A handler whose hot paths can be run ahead of the first event (what SnapStart's hook does before
 * the snapshot).
 */
public interface Primeable {
    void prime();
}
