package dev.godotsignal.godot;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.GodotPackages;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gateway's /godot/ page on a machine without the engine package: it says how to get it. */
class GodotTryItPageTest {

    @Test
    void withoutTheEngineThePageSaysHowToInstallIt() throws Exception {
        assumeTrue(
                HeadlessChromium.executable().isPresent(),
                "no Chromium on this machine: apt-get install chromium chromium-driver");
        Path root = Files.createTempDirectory("no-engine");
        GodotProjects.copyTree(
                GodotPackages.godotProject().resolve("web"), root.resolve("godot/web"));
        Files.copy(
                GodotPackages.godotProject().resolve("project.godot"),
                root.resolve("godot/project.godot"));
        try (LocalGateway gateway =
                        LocalGateway.start(
                                TestGateways.options(Map.of())
                                        .withWebRoot(Optional.of(GodotProjects.webRoot(root))));
                HeadlessChromium chromium = HeadlessChromium.launch()) {
            assertTrue(!gateway.godotEngineInstalled());
            HeadlessChromium.Page page =
                    chromium.open("http://127.0.0.1:" + gateway.port() + "/godot/");
            page.waitFor(
                    "window.godotHarness && window.godotHarness.failure", Duration.ofSeconds(15));
            String text = page.eval("document.getElementById('status').innerText").asText();
            assertTrue(text.contains("npm ci --prefix clients/godot"), text);
        } finally {
            GodotProjects.delete(root);
        }
    }
}
