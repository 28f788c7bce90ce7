package dev.godotsignal.godot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.GodotInstance;
import dev.godotsignal.testing.GodotPackages;
import dev.godotsignal.testing.HeadlessChromium;
import dev.godotsignal.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The addon as the Godot Asset Library would ship it: {@code clients/godot/package-addon} builds
 * the zip, which is installed into an otherwise empty project and run in the real engine.
 */
class GodotAddonPackageTest {

    @Test
    void theZipHoldsTheAddonAndRunsInTheEngineOnItsOwn() throws Exception {
        GodotEngineSupport.assumeEngine();
        Path out = Files.createTempDirectory("addon-zip");
        Path zip = Path.of(build(out));
        String version =
                Files.readAllLines(
                                GodotPackages.godotProject()
                                        .resolve("addons/godot_signaling/plugin.cfg"))
                        .stream()
                        .filter(l -> l.startsWith("version="))
                        .findFirst()
                        .orElseThrow()
                        .replaceAll("version=\"(.*)\"", "$1");
        assertEquals("godot_signaling-" + version + ".zip", zip.getFileName().toString());

        Path project = GodotProjects.emptyProject();
        List<String> entries = new ArrayList<>();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(archive.entries())) {
                entries.add(entry.getName());
                Path target = project.resolve("godot").resolve(entry.getName()).normalize();
                assertTrue(target.startsWith(project.resolve("godot")), entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (var in = archive.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        for (String file :
                List.of(
                        "plugin.cfg",
                        "plugin.gd",
                        "signaling_client.gd",
                        "README.md",
                        "LICENSE",
                        "icon.svg")) {
            assertTrue(entries.contains("addons/godot_signaling/" + file), file + " in " + entries);
        }
        assertTrue(
                entries.stream()
                        .allMatch(
                                e ->
                                        e.startsWith("addons/godot_signaling/")
                                                || e.equals("addons/")),
                entries.toString());

        try (LocalGateway gateway =
                        LocalGateway.start(
                                TestGateways.options(Map.of("SealCloseDelaySeconds", "1"))
                                        .withWebRoot(Optional.of(GodotProjects.webRoot(project))));
                HeadlessChromium chromium = HeadlessChromium.launch()) {
            String base = "http://127.0.0.1:" + gateway.port();
            GodotInstance check =
                    GodotInstance.scene(
                            chromium, base, "compile", "res://tests/compile_check.tscn", true);
            check.awaitEvent("compile_check_done");
            assertTrue(
                    check.lines()
                            .contains(
                                    "@compiled res://addons/godot_signaling/signaling_client.gd ok"),
                    check.lines().toString());
            assertTrue(check.errors().isEmpty(), "no engine errors: " + check.errors());
            check.close();

            GodotInstance host = GodotInstance.testGame(chromium, base, "host");
            GodotInstance guest = GodotInstance.testGame(chromium, base, "guest");
            host.command("join - mesh");
            String lobby = GodotInstance.lobbyOf(host.awaitEvent("joined"));
            guest.command("join " + lobby + " mesh");
            int guestId = GodotInstance.peerIdOf(guest.awaitEvent("joined"));
            host.awaitAnyEvent("peer_up " + guestId, Duration.ofSeconds(30));
            host.command("rpc " + guestId + " from-the-zip");
            guest.awaitAnyEvent("rpc_from 1 from-the-zip", Duration.ofSeconds(15));
        } finally {
            GodotProjects.delete(project);
            GodotProjects.delete(out);
        }
    }

    static String build(Path out) throws Exception {
        Process process =
                new ProcessBuilder(
                                "bash",
                                GodotPackages.godotProject().resolve("package-addon").toString(),
                                out.toString())
                        .redirectErrorStream(true)
                        .start();
        String output =
                new String(
                                process.getInputStream().readAllBytes(),
                                java.nio.charset.StandardCharsets.UTF_8)
                        .trim();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "package-addon finished");
        assertEquals(0, process.exitValue(), output);
        return output.lines().reduce((a, b) -> b).orElseThrow();
    }
}
