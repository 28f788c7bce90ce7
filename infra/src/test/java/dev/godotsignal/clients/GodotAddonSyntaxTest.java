package dev.godotsignal.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.testing.TestGateways;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Godot cannot run here, so every .gd file of the addon and its example is parsed with
 * tree-sitter-gdscript (clients/godot/check-syntax.mjs); any syntax error fails the build.
 */
class GodotAddonSyntaxTest {

    @Test
    void everyGdScriptFileParses() throws Exception {
        Path godot = TestGateways.template().getParent().resolve("clients/godot");
        boolean installed = Files.isDirectory(godot.resolve("node_modules/tree-sitter-gdscript"));
        if (!installed) {
            System.err.println(
                    "SKIPPED GDScript syntax check: run `npm ci --prefix clients/godot` (.ci/run does)");
        }
        assumeTrue(
                installed, "tree-sitter-gdscript is not installed: npm ci --prefix clients/godot");
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
