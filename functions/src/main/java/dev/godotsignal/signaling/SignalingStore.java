package dev.godotsignal.signaling;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.DeadlineOutcome;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.Lobby;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.MemberLookup;
import dev.godotsignal.lobby.Reservation;
import dev.godotsignal.relay.MessageAdmission;
import dev.godotsignal.relay.RelayIntent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Connections and lobbies, with every rule that needs atomicity (caps, unique ids, sealed lobbies)
 * enforced by the store itself. Items past their expiry are treated as absent.
 */
public interface SignalingStore {

    /**
     * Records a connection that has just arrived (in no lobby yet). Its first rate window opens
     * with it, so that its first frame is counted in one write.
     */
    void putConnection(Connection connection, Limits.RateWindow firstWindow, Instant now);

    Optional<Connection> connection(String connectionId, Instant now);

    /**
     * A join deadline: removes the connection only if, at that moment, it is in no lobby and
     * ({@code unlessHeard}) has had no frame admitted, atomically with the joins and admissions
     * that would change that. A JOIN racing the deadline therefore either commits first (the
     * connection stays, {@link DeadlineOutcome.Joined}) or finds its connection gone.
     */
    DeadlineOutcome expireUnjoined(String connectionId, boolean unlessHeard, Instant now);

    /**
     * Counts one message against the connection's budget in {@code window} (see {@link
     * Limits#rateWindow}; an unlimited window counts without limiting), atomically across
     * concurrent invocations, and returns the connection as the same write left it — so the message
     * path needs no separate read of its connection. The same write opens a description's
     * generation or reads a candidate's gate ({@code relay}), so the ordering gate costs no call of
     * its own.
     */
    MessageAdmission admitMessage(
            String connectionId, Limits.RateWindow window, RelayIntent relay, Instant now);

    /**
     * Creates a hidden lobby of {@code maxPeers} with a fresh key from {@code names}; the creator
     * becomes peer 1.
     */
    JoinOutcome createLobby(
            Connection creator,
            LobbyMode mode,
            int maxPeers,
            Supplier<String> names,
            int maxLobbies,
            Instant now);

    /**
     * First step of a join: checks the lobby (live, unsealed, not full: each lobby has its own
     * size) and reserves a fresh id from {@code peerIds} for the joiner. The joiner is told its id
     * before it is admitted, so no other peer can announce itself to it before its ID arrives.
     */
    Reservation reservePeerId(Connection joiner, String lobby, IntSupplier peerIds, Instant now);

    /** Second step: admits the reserved id (size and seal checked again, atomically). */
    JoinOutcome admit(Connection joiner, String lobby, int peerId, Instant now);

    /** Looks {@code peerId} up in {@code lobby} (one key read). */
    MemberLookup member(String lobby, int peerId, Instant now);

    // ---- The ordering gate, per ordered pair (sender -> peer {@code to}), kept on the sender's
    // connection record: a description opens a generation as it is admitted; a candidate waits
    // until the pair's latest generation is delivered.

    /**
     * The description of {@code generation} was delivered (or dropped): from now on candidates
     * pass. Returns the candidates held for it, in arrival order, to be delivered now (none if a
     * newer description has opened since: its own delivery releases them). If a resume has moved
     * the {@code sender} to another connection meanwhile, the gate moved with it, and the
     * candidates are released from there.
     */
    List<String> descriptionDelivered(
            String connectionId, Connection.Membership sender, int to, long generation);

    /**
     * Holds a candidate while the pair's latest description is undelivered; false means the gate
     * opened meanwhile (or the sender is gone) and the candidate is to be delivered now.
     */
    boolean holdCandidate(String connectionId, int to, String data);

    /** A live lobby and its present members (one Query), or empty. */
    Optional<Lobby> lobby(String lobby, Instant now);

    /** Marks the lobby sealed; returns it as sealed, or empty when it no longer exists. */
    Optional<Lobby> seal(String lobby, Instant now);

    /**
     * Removes the connection and its membership; a host's leaving destroys the lobby. Idempotent.
     */
    LeaveOutcome removeConnection(String connectionId, Instant now);
}
