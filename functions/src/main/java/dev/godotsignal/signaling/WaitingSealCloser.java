package dev.godotsignal.signaling;

import java.time.Duration;
import java.util.List;

/**
 * Waits out the seal delay inside the SEAL invocation, then closes. Costs the delay in Lambda
 * time (10 s at 512 MB on arm64 is about $0.00007 per sealed lobby) but needs no other service;
 * the template keeps the delay well under the function timeout.
 */
public final class WaitingSealCloser implements SealCloser {
    private final PeerChannel channel;

    public WaitingSealCloser(PeerChannel channel) {
        this.channel = channel;
    }

    @Override
    public void closeAfter(Duration delay, List<String> connectionIds) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connectionIds.forEach(channel::close);
    }
}
