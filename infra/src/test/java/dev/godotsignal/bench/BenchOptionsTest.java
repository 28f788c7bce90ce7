package dev.godotsignal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    @Test
    void oneUncountedWarmUpSessionUnlessToldOtherwise() {
        BenchOptions options =
                BenchOptions.parse(
                        new String[] {"--url", "ws://localhost:9080", "--lobbies", "25"});
        assertEquals(1, options.warmUps());
        BenchOptions warmUp = options.oneLobby();
        assertEquals(1, warmUp.lobbies());
        assertEquals(0, warmUp.warmUps());
        assertEquals(options.peers(), warmUp.peers());
        assertEquals(
                0,
                BenchOptions.parse(new String[] {"--url", "ws://x", "--warm-up", "0"}).warmUps());
        assertThrows(
                IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--url", "ws://x", "--warm-up", "-1"}));
    }
}
