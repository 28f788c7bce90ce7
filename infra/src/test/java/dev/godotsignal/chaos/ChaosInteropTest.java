package dev.godotsignal.chaos;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.interop.NativeWebScenarios;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.NativeGodotPeer;
import dev.godotsignal.testing.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The four native <-> web scenarios again, with the gateway in chaos mode (seed 7). */
class ChaosInteropTest extends NativeWebScenarios {
    static final ChaosOptions CHAOS = ChaosOptions.standard(7);

    @BeforeAll
    protected static void start() throws Exception {
        assumeTrue(
                HeadlessChromium.executable().isPresent(),
                "no Chromium on this machine: apt-get install chromium chromium-driver");
        assumeTrue(
                NativeGodotPeer.available(),
                "webrtc-java's native library does not load on this platform");
        gateway =
                LocalGateway.start(
                        TestGateways.options(Map.of("SealCloseDelaySeconds", "1"))
                                .withChaos(CHAOS));
        chromium = HeadlessChromium.launch();
        System.out.println("interop under chaos: " + CHAOS);
    }
}
