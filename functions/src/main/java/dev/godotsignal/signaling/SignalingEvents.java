package dev.godotsignal.signaling;

import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.resume.ResumeRefusal;

/**
 * What the service did, for metrics and logs. The domain only reports; the Lambda side turns it
 * into CloudWatch metrics (embedded metric format) and structured log fields.
 */
public interface SignalingEvents {

    void lobbyCreated(String lobby);

    void joined(String lobby, int peerId);

    void relayed(MessageType type);

    /** A candidate held by the ordering gate until its description is delivered. */
    void candidateHeld();

    void rejected(ErrorReason reason);

    /** A connection found gone (410, liveness check) and cleaned up, rather than by $disconnect. */
    void goneCleanedUp();

    void left(String lobby, int peerId, boolean host);

    /** A peer's socket dropped; it is suspended for the grace, its lobby told nothing. */
    void suspended(String lobby, int peerId);

    /** A suspended peer is back on a new connection. */
    void resumed(String lobby, int peerId);

    /** A resume refused at {@code $connect}. */
    void resumeRefused(ResumeRefusal refusal);

    /** Frames kept for a suspended peer were dropped, oldest first, to stay within its budget. */
    void keptFramesDropped(int count);

    SignalingEvents NONE =
            new SignalingEvents() {
                @Override
                public void lobbyCreated(String lobby) {}

                @Override
                public void joined(String lobby, int peerId) {}

                @Override
                public void relayed(MessageType type) {}

                @Override
                public void candidateHeld() {}

                @Override
                public void rejected(ErrorReason reason) {}

                @Override
                public void goneCleanedUp() {}

                @Override
                public void left(String lobby, int peerId, boolean host) {}

                @Override
                public void suspended(String lobby, int peerId) {}

                @Override
                public void resumed(String lobby, int peerId) {}

                @Override
                public void resumeRefused(ResumeRefusal refusal) {}

                @Override
                public void keptFramesDropped(int count) {}
            };
}
