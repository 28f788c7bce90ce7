package dev.godotsignal.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.NativeGodotPeer;
import dev.godotsignal.testing.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The native ↔ web scenarios ({@link NativeWebScenarios}) through the plain local gateway. */
class NativeWebInteropTest extends NativeWebScenarios {

    @BeforeAll
    protected static void start() throws Exception {
        boolean hasChromium = HeadlessChromium.executable().isPresent();
        if (!hasChromium) {
            System.err.println(
                    "SKIPPED native<->web tests: no Chromium (apt-get install chromium chromium-driver)");
        }
        assumeTrue(
                hasChromium,
                "no Chromium on this machine: apt-get install chromium chromium-driver");
        boolean hasNative = NativeGodotPeer.available();
        if (!hasNative) {
            System.err.println(
                    "SKIPPED native<->web tests: webrtc-java's native library does not load on this platform");
        }
        assumeTrue(
                hasNative,
                "webrtc-java's native library does not load on this platform (linux-x86_64 only here)");
        gateway = TestGateways.start(Map.of("SealCloseDelaySeconds", "1"));
        chromium = HeadlessChromium.launch();
    }
}
