package dev.godotsignal.godot;

import dev.godotsignal.testing.GodotPackages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Throw-away copies of the Godot project laid out as the gateway serves it ({@code <dir>/godot},
 * with {@code <dir>/web} as the web root), for tests that run a changed project: a broken script,
 * or the addon as installed from its zip.
 */
final class GodotProjects {
    private GodotProjects() {}

    /** An empty project: the launcher, the engine (linked, not copied) and project.godot. */
    static Path emptyProject() throws IOException {
        Path root = Files.createTempDirectory("godot-project");
        Path godot = root.resolve("godot");
        Path source = GodotPackages.godotProject();
        copyTree(source.resolve("web"), godot.resolve("web"));
        copyTree(source.resolve("tests"), godot.resolve("tests"));
        Files.copy(source.resolve("project.godot"), godot.resolve("project.godot"));
        Path engine =
                godot.resolve("node_modules").resolve(GodotEngineSupport.PACKAGE).resolve("godot");
        Files.createDirectories(engine.getParent());
        Files.createSymbolicLink(engine, GodotEngineSupport.engineDir().toAbsolutePath());
        return root;
    }

    /** A full copy of clients/godot (without node_modules, whose engine is linked). */
    static Path copyOfProject() throws IOException {
        Path root = emptyProject();
        Path source = GodotPackages.godotProject();
        copyTree(source.resolve("addons"), root.resolve("godot/addons"));
        copyTree(source.resolve("example"), root.resolve("godot/example"));
        return root;
    }

    /** The web root to give the gateway so that it serves {@code <root>/godot}. */
    static Path webRoot(Path root) {
        return root.resolve("web");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void delete(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
