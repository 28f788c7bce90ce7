package dev.godotsignal.resume;

/** Why a resume was refused, and the HTTP status of the refused handshake. */
public enum ResumeRefusal {
    /**
     * Not a token of this peer's current connection (forged, already used), or another player's or
     * game's.
     */
    FORBIDDEN(403),
    /** The peer is gone: left, expired, lobby sealed or destroyed, or resuming is off. */
    GONE(410);

    private final int httpStatus;

    ResumeRefusal(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
