package dev.godotsignal.resume;

import dev.godotsignal.lobby.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Suspending and resuming peers, with every race (a resume against another, against the grace's
 * end, frames kept while the peer comes back) settled by the store's conditional writes.
 *
 * <p>A suspended peer's member entry is <em>held</em>: frames for it are kept, in order, instead of
 * sent. It stays held after a resume until the resumed connection has been sent everything kept
 * ({@link #drain}, {@link #release}), so nothing overtakes the kept frames.
 */
public interface ResumeStore {

    /** The most a held peer keeps; beyond it the oldest kept frames are dropped. */
    int KEPT_BUDGET_BYTES = 64 * 1024;

    /**
     * The connection ended without its client asking: suspends its peer until {@code resumeBy},
     * when it is an extension peer of an unsealed lobby.
     */
    Suspension suspend(String connectionId, Instant resumeBy, Instant now);

    /**
     * Keeps encoded frames for a held peer, after those already kept, within {@link
     * #KEPT_BUDGET_BYTES}.
     */
    Keeping keep(String lobby, int peerId, List<String> frames, Instant now);

    /**
     * Binds the token's peer to {@code fresh} (a new connection, not yet recorded) if the token is
     * its current one and the player, game and lobby still allow it; the replaced connection's
     * record is removed in the same write. The token stays valid until {@link #tokenDelivered} (the
     * client has no other until then), and is spent after.
     */
    Resumption resume(Connection fresh, ResumeToken token, Instant now);

    /** A resumed connection's new token reached its client: the token it resumed with is spent. */
    void tokenDelivered(String connectionId);

    /**
     * Takes the frames kept for a resumed peer on {@code connectionId}; empty when the peer is no
     * longer on that connection (it dropped again, or left).
     */
    Optional<List<String>> drain(String lobby, int peerId, String connectionId);

    /** Ends the hold, unless more frames were kept meanwhile (false: drain again). */
    boolean release(String lobby, int peerId, String connectionId);
}
