package dev.godotsignal.signaling;

/** How a connection ended, as its {@code $disconnect} tells (the WebSocket close code). */
public enum Closure {
    /**
     * The client closed it on purpose: 1000 (Godot's {@code WebSocketPeer.close()}, our clients on
     * leaving, a close the service asked for), or 1005, a close frame without a code (a browser's
     * {@code WebSocket.close()} with no arguments). A leave.
     */
    ASKED,
    /**
     * Anything else: a network drop (1006), API Gateway's idle timeout or 2-hour limit (1001), a
     * crash. An extension peer is suspended and may resume.
     */
    DROPPED;

    public static final int NORMAL_CLOSURE = 1000;

    /** Reported when the client's close frame carried no code. */
    public static final int NO_STATUS = 1005;

    /** From the close code; a missing one (an older event) counts as a drop. */
    public static Closure ofStatusCode(Integer statusCode) {
        return statusCode != null && (statusCode == NORMAL_CLOSURE || statusCode == NO_STATUS)
                ? ASKED
                : DROPPED;
    }
}
