package dev.godotsignal.signaling;

/** The way back to clients: API Gateway's {@code @connections} API in production and locally. */
public interface PeerChannel {

    /**
     * GONE: the connection no longer exists (410). FAILED: another error, already logged; the peer
     * stays.
     */
    enum Delivery {
        DELIVERED,
        GONE,
        FAILED
    }

    /** Sends one text frame. */
    Delivery send(String connectionId, String frame);

    /** Whether the connection still exists (a GET that does not answer 410). */
    boolean exists(String connectionId);

    /**
     * Closes the connection (API Gateway cannot send a close code or reason). Closing a gone
     * connection is a no-op.
     */
    void close(String connectionId);
}
