package dev.godotsignal.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The npm packages of {@code clients/godot} (the Godot engine, the GDScript parser), pinned by its
 * lockfile. {@code mvn verify} needs nothing done by hand: when they are missing and npm is on the
 * PATH, the first test that needs them runs {@code npm ci} there.
 */
public final class GodotPackages {
    private GodotPackages() {}

    public static Path godotProject() {
        return TestGateways.template().getParent().resolve("clients/godot");
    }

    /**
     * Makes sure {@code node_modules/<probe>} exists; returns why it could not be installed.
     *
     * @param probe a path under node_modules that only a complete install has
     */
    public static synchronized Optional<String> ensureInstalled(String probe) {
        Path project = godotProject();
        if (Files.exists(project.resolve("node_modules").resolve(probe))) {
            return Optional.empty();
        }
        try {
            Process npm =
                    new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                            .directory(project.toFile())
                            .redirectErrorStream(true)
                            .start();
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                return Optional.of("npm ci --prefix clients/godot failed: " + output.strip());
            }
        } catch (IOException e) {
            return Optional.of(
                    "npm is not installed (apt-get install nodejs npm): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while installing the npm packages");
        }
        return Files.exists(project.resolve("node_modules").resolve(probe))
                ? Optional.empty()
                : Optional.of("npm ci did not install " + probe);
    }
}
