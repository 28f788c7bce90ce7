package dev.godotsignal.relay;

/**
 * The ordering gate of one ordered pair (sender → destination) as the sender's frame was admitted:
 * API Gateway may run a client's frames in any order, and a candidate that reaches a peer before
 * the description of the same direction is lost, so candidates wait for their description.
 */
public sealed interface OrderingGate {

    /** The frame is not a description or a candidate. */
    record NotRelayed() implements OrderingGate {}

    /**
     * A description opened generation {@code generation}; deliver it, then release what it held.
     */
    record Opened(long generation) implements OrderingGate {}

    /** A candidate: the pair's latest description is delivered, so it goes at once. */
    record Clear() implements OrderingGate {}

    /**
     * A candidate: no description delivered yet for the pair's latest generation, so it is held.
     */
    record Closed() implements OrderingGate {}
}
