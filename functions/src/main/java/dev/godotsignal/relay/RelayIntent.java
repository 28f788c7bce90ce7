package dev.godotsignal.relay;

/**
 * What a frame will relay, told to the store as the frame is admitted, so the ordering gate rides
 * on the admission write instead of costing calls of its own.
 */
public sealed interface RelayIntent {

    /** Not a description or a candidate (JOIN, SEAL, an invalid frame). */
    record None() implements RelayIntent {}

    /** An OFFER or ANSWER to peer {@code to}: opens a new generation of the pair's gate. */
    record Description(int to) implements RelayIntent {}

    /** A CANDIDATE to peer {@code to}: asks whether the pair's latest description is delivered. */
    record Candidate(int to) implements RelayIntent {}
}
