package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.testing.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The functions' SDK calls reach DynamoDB Local and the emulated AWS APIs either in process (the
 * default) or over loopback HTTP ({@code --http-transport}); a whole demo session works both ways,
 * so the HTTP path the in-process one skips stays covered.
 */
class TransportEndToEndTest {

    @Test
    void aSessionWhoseCallsAreHandedOverInProcess() throws Exception {
        try (LocalGateway gateway = TestGateways.start(Map.of("SealCloseDelaySeconds", "1"))) {
            GodotDemoClientReplayTest.fullSession(gateway.url(), true);
            assertTrue(
                    gateway.inProcessCalls() > 20,
                    "DynamoDB and @connections calls answered in process: "
                            + gateway.inProcessCalls());
        }
    }

    @Test
    void aSessionWhoseCallsAllGoOverHttp() throws Exception {
        GatewayOptions options =
                TestGateways.options(Map.of("SealCloseDelaySeconds", "1")).toBuilder()
                        .inProcess(false)
                        .build();
        try (LocalGateway gateway = LocalGateway.start(options)) {
            GodotDemoClientReplayTest.fullSession(gateway.url(), true);
            assertEquals(0, gateway.inProcessCalls(), "every call went over a socket");
        }
    }
}
