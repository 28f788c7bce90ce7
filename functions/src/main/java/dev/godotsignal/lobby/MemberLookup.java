package dev.godotsignal.lobby;

/** A relay destination, looked up in the sender's lobby. */
public sealed interface MemberLookup {

    record Present(Member member) implements MemberLookup {}

    /**
     * The peer is held: suspended after its socket dropped, or resumed and still being sent what
     * was kept for it. Frames for it are kept, in order, not sent.
     */
    record Held(Member member) implements MemberLookup {}

    /**
     * The peer left a moment ago. Its PEER_DISCONNECT may still be on its way to the sender, so a
     * late OFFER/ANSWER/CANDIDATE to it is dropped rather than treated as an invalid destination.
     */
    record RecentlyLeft() implements MemberLookup {}

    /** No such peer in this lobby. */
    record Unknown() implements MemberLookup {}
}
