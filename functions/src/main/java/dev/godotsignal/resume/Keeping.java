package dev.godotsignal.resume;

import dev.godotsignal.lobby.Member;

/** What {@link ResumeStore#keep} did. */
public sealed interface Keeping {

    /** Kept; {@code dropped} older frames made room. */
    record Kept(int dropped) implements Keeping {}

    /** The peer is not held (any more): send to its connection now. */
    record Active(Member member) implements Keeping {}

    /** The peer left, or its lobby is gone: the frames are dropped. */
    record Gone() implements Keeping {}
}
