package dev.godotsignal.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.testing.GodotPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fast check of every .gd file of the addon and its example: parsed with tree-sitter-gdscript
 * (clients/godot/check-syntax.mjs); any syntax error fails the build. The engine tests compile them
 * in the real Godot engine too.
 */
class GodotAddonSyntaxTest {

    @Test
    void everyGdScriptFileParses() throws Exception {
        Path godot = GodotPackages.godotProject();
        Optional<String> missing = GodotPackages.ensureInstalled("tree-sitter-gdscript");
        missing.ifPresent(why -> System.err.println("SKIPPED GDScript syntax check: " + why));
        assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
        Process node =
                new ProcessBuilder("node", "check-syntax.mjs")
                        .directory(godot.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        Matcher summary =
                Pattern.compile("(\\d+) files parsed, (\\d+) syntax errors").matcher(output);
        assertTrue(summary.find(), output);
        assertTrue(
                Integer.parseInt(summary.group(1)) >= 3,
                "the addon, its plugin script and the example: " + output);
        assertEquals("0", summary.group(2), output);
        assertEquals(0, node.exitValue(), output);
    }
}
