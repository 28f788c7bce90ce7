package dev.godotsignal.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rate tokens one execution environment took ahead from a connection's window, so that most of a
 * connection's frames are counted without a write of their own.
 *
 * <p>The window's count in the connection's record is what was <em>handed out</em>, never more than
 * the window's budget, so the flood limit stays exact across environments: no connection gets more
 * frames admitted in a window than its budget, however many environments serve it. Tokens an
 * environment took and did not spend before the window ended are lost to that window. An
 * environment's first write for a connection takes {@value #FIRST_TAKE} tokens (frames come in
 * bursts: a peer that sends one candidate sends several); its lease then doubles as it keeps seeing
 * the connection, or grows to half what the window has handed out so far when other environments
 * serve the connection too, never past {@code maxLease}. What one environment leaves unspent in a
 * window is thus below {@code maxLease}: a client well under its limit is never refused, one near
 * it may be refused that much early per environment that served it.
 *
 * <p>Only connections that cannot resume (demo clients, no {@code ?ext=1}) spend leases: a
 * resumable connection's every frame also counts in its received-frames total, which a resume
 * reports to the client exactly, so each of its frames still writes, and takes one token once this
 * environment knows it is resumable (its first write here may take {@value #FIRST_TAKE}).
 */
final class RateLeases {
    /** How many tokens an environment's first write for a connection takes. */
    static final int FIRST_TAKE = 4;

    /**
     * Tokens left in {@code window}, and how many the next write takes (1 for a resumable
     * connection, which spends none).
     */
    private record Lease(long window, int left, int nextTake) {
        static final Lease RESUMABLE = new Lease(-1, 0, 1);
    }

    private final int maxLease;
    private final Map<String, Lease> leases;

    /**
     * @param maxLease the most tokens one write takes ahead; 1 turns leasing off
     * @param capacity how many connections one environment remembers
     */
    RateLeases(int maxLease, int capacity) {
        if (maxLease < 1) {
            throw new IllegalArgumentException("maxLease must be at least 1");
        }
        this.maxLease = maxLease;
        this.leases =
                new LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Lease> eldest) {
                        return size() > capacity;
                    }
                };
    }

    /** Spends a token this environment holds for the connection's {@code window}, if it has one. */
    synchronized boolean spend(String connectionId, long window) {
        Lease lease = leases.get(connectionId);
        if (lease == null || lease.window() != window || lease.left() == 0) {
            return false;
        }
        leases.put(connectionId, new Lease(window, lease.left() - 1, lease.nextTake()));
        return true;
    }

    /** How many tokens the connection's next counting write should take (one for its own frame). */
    synchronized int take(String connectionId) {
        Lease lease = leases.get(connectionId);
        return lease == null ? Math.min(FIRST_TAKE, maxLease) : lease.nextTake();
    }

    /**
     * A write took {@code taken} tokens of {@code window} for a connection that may be leased,
     * {@code handedOut} in all so far: one is its own frame's, the rest are this environment's to
     * spend.
     */
    synchronized void took(String connectionId, long window, int taken, long handedOut) {
        if (maxLease == 1) {
            return;
        }
        Lease lease = leases.get(connectionId);
        long grown = Math.max((lease == null ? taken : lease.nextTake()) * 2L, handedOut / 2);
        int next = (int) Math.min(maxLease, Math.max(2, grown));
        leases.put(connectionId, new Lease(window, taken - 1, next));
    }

    /** The connection is resumable: its writes take one token each from now on. */
    synchronized void resumable(String connectionId) {
        leases.put(connectionId, Lease.RESUMABLE);
    }

    /** The connection is gone, or its window's budget is spent: nothing is held for it. */
    synchronized void forget(String connectionId) {
        leases.remove(connectionId);
    }
}
