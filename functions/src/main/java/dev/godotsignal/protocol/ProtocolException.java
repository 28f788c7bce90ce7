package dev.godotsignal.protocol;

/** A client broke the protocol; the reason says how. Never carries a stack trace to anyone. */
public final class ProtocolException extends Exception {
    private final ErrorReason reason;

    public ProtocolException(ErrorReason reason) {
        super(reason.text(), null, false, false);
        this.reason = reason;
    }

    public ErrorReason reason() {
        return reason;
    }
}
