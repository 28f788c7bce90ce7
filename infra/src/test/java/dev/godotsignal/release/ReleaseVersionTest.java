package dev.godotsignal.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The version is written once, in {@code VERSION}; everything that carries one carries the same:
 * the template's Serverless Application Repository metadata, the changelog's newest release, the
 * Maven build, the web client module and the Godot addon.
 */
class ReleaseVersionTest {
    static final Path ROOT = TestGateways.template().getParent();

    static String version() throws Exception {
        return Files.readString(ROOT.resolve("VERSION")).strip();
    }

    static String first(Path file, String regex) throws Exception {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(Files.readString(file));
        assertTrue(m.find(), file + " has " + regex);
        return m.group(1);
    }

    /** The template's {@code Metadata: AWS::ServerlessRepo::Application} (which has no tags). */
    static Map<?, ?> repositoryMetadata() throws Exception {
        Map<String, Object> template =
                new Yaml()
                        .load(Files.readString(TestGateways.template()).replaceAll("!(\\w+)", ""));
        return (Map<?, ?>)
                ((Map<?, ?>) template.get("Metadata")).get("AWS::ServerlessRepo::Application");
    }

    @Test
    void theVersionIsASemanticVersion() throws Exception {
        assertTrue(
                version()
                        .matches("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?"),
                version());
    }

    @Test
    void everythingThatCarriesAVersionCarriesThisOne() throws Exception {
        String version = version();
        Map<?, ?> sar = repositoryMetadata();
        assertEquals(version, sar.get("SemanticVersion"), "sam-template.yaml SemanticVersion");
        assertEquals(
                version,
                first(ROOT.resolve("CHANGELOG.md"), "^## \\[(\\d[^\\]]*)\\]"),
                "CHANGELOG.md's newest release");
        assertEquals(
                version,
                first(
                        ROOT.resolve("pom.xml"),
                        "<artifactId>godot-signaling-parent</artifactId>\\s*<version>([^<]+)</version>"),
                "the Maven build");
        for (String module : new String[] {"functions/pom.xml", "infra/pom.xml"}) {
            assertEquals(
                    version,
                    first(ROOT.resolve(module), "<parent>[\\s\\S]*?<version>([^<]+)</version>"),
                    module);
        }
        assertEquals(
                version,
                first(
                        ROOT.resolve("clients/web/godot-signaling.js"),
                        "^export const VERSION = '([^']+)';"),
                "the web client");
        assertEquals(
                version,
                first(
                        ROOT.resolve("clients/godot/addons/godot_signaling/plugin.cfg"),
                        "^version=\"([^\"]+)\""),
                "the Godot addon");
        assertEquals(
                version,
                first(ROOT.resolve("clients/godot/package.json"), "\"version\": \"([^\"]+)\""),
                "the Godot tools' package.json");
    }

    /** What the Serverless Application Repository metadata names exists, and agrees. */
    @Test
    void theRepositoryMetadataNamesFilesThatExist() throws Exception {
        Map<?, ?> sar = repositoryMetadata();
        assertTrue(Files.isRegularFile(ROOT.resolve(String.valueOf(sar.get("ReadmeUrl")))));
        Path license = ROOT.resolve(String.valueOf(sar.get("LicenseUrl")));
        assertEquals("MIT", sar.get("SpdxLicenseId"));
        assertTrue(Files.readString(license).startsWith("MIT License"), "LICENSE is the MIT text");
        for (String url : new String[] {"HomePageUrl", "SourceCodeUrl"}) {
            assertTrue(String.valueOf(sar.get(url)).startsWith("https://"), url);
        }
    }
}
