package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The command line's choices of transport and warm-up. */
class GatewayOptionsTest {

    @Test
    void theCommandLineWarmsUpAndHandsCallsOverInProcessByDefault() {
        GatewayOptions options = GatewayOptions.parse(new String[0]);
        assertTrue(options.warmUp());
        assertTrue(options.inProcess());
    }

    @Test
    void warmUpAndTheInProcessHopCanBeTurnedOff() {
        GatewayOptions options =
                GatewayOptions.parse(new String[] {"--no-warm-up", "--http-transport"});
        assertFalse(options.warmUp());
        assertFalse(options.inProcess());
    }

    @Test
    void aChaosRunStartsCold() {
        assertFalse(GatewayOptions.parse(new String[] {"--chaos"}).warmUp());
    }

    @Test
    void gatewaysStartedInCodeDoNotWarmUp() {
        assertFalse(GatewayOptions.defaults().warmUp());
    }
}
