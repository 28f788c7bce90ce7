package dev.godotsignal.signaling;

import java.time.Duration;
import java.util.List;

/**
 * Closes a sealed lobby's signaling sockets after the seal delay. The Lambda implementation simply
 * waits inside the SEAL invocation (bounded well below the function timeout); a scheduler can
 * replace it without touching the domain.
 */
public interface SealCloser {
    void closeAfter(Duration delay, List<String> connectionIds);
}
