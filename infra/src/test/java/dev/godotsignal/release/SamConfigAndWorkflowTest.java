package dev.godotsignal.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.template.SamTemplate;
import dev.godotsignal.testing.TestGateways;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * What a team deploying this stack relies on besides the template: {@code samconfig.toml} (a second
 * {@code sam deploy} needs no flags), the example CI workflow (valid YAML, OIDC credentials, no
 * stored keys), and the packaged template {@code ./release} writes.
 */
class SamConfigAndWorkflowTest {
    static final Path ROOT = TestGateways.template().getParent();

    @TempDir Path temp;

    /** samconfig.toml's tables → keys → values (the flat TOML subset it uses). */
    static Map<String, Map<String, String>> samconfig() throws Exception {
        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        Map<String, String> current = new LinkedHashMap<>();
        tables.put("", current);
        Pattern table = Pattern.compile("^\\[([a-z_.]+)]$");
        Pattern pair = Pattern.compile("^([a-z_0-9]+)\\s*=\\s*(\"[^\"]*\"|true|false|[0-9.]+)$");
        for (String raw : Files.readAllLines(ROOT.resolve("samconfig.toml"))) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher t = table.matcher(line);
            Matcher p = pair.matcher(line);
            if (t.matches()) {
                current = new LinkedHashMap<>();
                tables.put(t.group(1), current);
            } else {
                assertTrue(p.matches(), "samconfig.toml line is a TOML key = value: " + line);
                current.put(p.group(1), p.group(2).replace("\"", ""));
            }
        }
        return tables;
    }

    @Test
    void samconfigHoldsWhatDeployWouldAskFor() throws Exception {
        Map<String, Map<String, String>> config = samconfig();
        assertEquals("0.1", config.get("").get("version"));
        assertEquals("godot-signaling", config.get("default.global.parameters").get("stack_name"));
        Map<String, String> deploy = config.get("default.deploy.parameters");
        // SAM makes an IAM role per function: CloudFormation refuses the stack without this.
        assertEquals("CAPABILITY_IAM", deploy.get("capabilities"));
        assertEquals("true", deploy.get("resolve_s3"), "SAM manages the artifact bucket");
        assertEquals("false", deploy.get("confirm_changeset"));
        assertEquals("false", deploy.get("fail_on_empty_changeset"), "a no-op deploy succeeds");
    }

    @Test
    void theExampleWorkflowParsesAndDeploysWithAnOidcRole() throws Exception {
        Path file = ROOT.resolve("docs/examples/deploy-workflow.yml");
        Map<String, Object> workflow = new Yaml().load(Files.readString(file));
        assertEquals(
                Map.of("id-token", "write", "contents", "read"),
                workflow.get("permissions"),
                "OIDC needs id-token: write");
        Map<?, ?> job = (Map<?, ?>) ((Map<?, ?>) workflow.get("jobs")).get("deploy");
        List<String> uses = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (Object step : (List<?>) job.get("steps")) {
            Map<?, ?> s = (Map<?, ?>) step;
            if (s.get("uses") != null) {
                uses.add(String.valueOf(s.get("uses")));
                assertTrue(
                        String.valueOf(s.get("uses")).matches("[\\w.-]+/[\\w.-]+@v\\d+"),
                        "actions pinned to a major version: " + s.get("uses"));
            }
            if (s.get("run") != null) {
                runs.add(String.valueOf(s.get("run")));
            }
            if (String.valueOf(s.get("uses")).startsWith("aws-actions/configure-aws-credentials")) {
                Map<?, ?> with = (Map<?, ?>) s.get("with");
                assertTrue(String.valueOf(with.get("role-to-assume")).contains("${{"));
                assertFalse(with.containsKey("aws-access-key-id"), "no stored access keys");
            }
        }
        assertTrue(
                uses.stream()
                        .anyMatch(u -> u.startsWith("aws-actions/configure-aws-credentials@")));
        assertTrue(uses.stream().anyMatch(u -> u.startsWith("aws-actions/setup-sam@")));
        String commands = String.join("\n", runs);
        for (String command :
                List.of("npm ci --prefix infra/spec", "./release", "sam build", "sam deploy")) {
            assertTrue(commands.contains(command), "the workflow runs " + command);
        }
    }

    /**
     * {@code ./release --template DIR} writes the packaged template: every function's code is the
     * release's zip, no build step is left, and the rest is the template unchanged.
     */
    @Test
    void theReleasesPackagedTemplatePointsEveryFunctionAtThePackage() throws Exception {
        Process release =
                new ProcessBuilder(
                                "bash",
                                ROOT.resolve("release").toString(),
                                "--template",
                                temp.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(release.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(release.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, release.exitValue(), output);
        Path packaged = temp.resolve("packaged-template.yaml");
        String version = Files.readString(ROOT.resolve("VERSION")).strip();
        String text = Files.readString(packaged);
        assertFalse(text.contains("BuildMethod"), "no Makefile build left");
        SamTemplate original = SamTemplate.load(TestGateways.template(), Map.of());
        SamTemplate t = SamTemplate.load(packaged, Map.of());
        assertEquals(
                original.functions(), t.functions(), "the same functions, handlers, environment");
        assertEquals(original.resources().keySet(), t.resources().keySet());
        for (String function : t.functions().keySet()) {
            assertEquals(
                    "godot-signaling-functions-" + version + ".zip",
                    t.properties(function).get("CodeUri"),
                    function);
            assertFalse(t.resources().get(function).containsKey("Metadata"), function);
        }
        List<String> lines = Files.readAllLines(TestGateways.template());
        long builds = lines.stream().filter(l -> l.equals("      BuildMethod: makefile")).count();
        assertEquals(6, builds, "every function, the authorizer too, is built by the Makefile");
        assertEquals(
                lines.size() - 2 * builds,
                Files.readAllLines(packaged).size(),
                "only the build metadata's two lines per function are gone");
    }

    /**
     * {@code sam build} runs {@code make build-<LogicalId>} for every function built by the
     * Makefile: a function without its target fails the build.
     */
    @Test
    void theMakefileBuildsEveryFunctionOfTheTemplate() throws Exception {
        List<String> targets = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("Makefile"))) {
            int colon = line.indexOf(':');
            if (colon > 0
                    && !line.startsWith("\t")
                    && !line.startsWith("#")
                    && !line.contains("=")) {
                targets.addAll(List.of(line.substring(0, colon).trim().split("\\s+")));
            }
        }
        SamTemplate template = SamTemplate.load(TestGateways.template(), Map.of());
        for (String function : template.functions().keySet()) {
            assertTrue(targets.contains("build-" + function), function + " has no Makefile target");
        }
    }
}
