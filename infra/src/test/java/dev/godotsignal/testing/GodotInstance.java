package dev.godotsignal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One instance of the real Godot 4 engine (the official web export template) in a Chromium tab,
 * running a scene of {@code clients/godot} served by the local gateway under {@code /godot/}. Test
 * scenes report events as lines starting with {@code @}; commands reach them through {@code
 * window.godotHarness.commands}.
 */
public final class GodotInstance {
    /**
     * What {@code index.wasm} must say it is: a change of the npm package cannot swap engines
     * silently.
     */
    public static final String ENGINE_VERSION = "Godot Engine v4.6.stable.official";

    public static final String TEST_SCENE = "res://tests/signaling_test_game.tscn";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(60);

    private final HeadlessChromium.Page page;
    private final String name;
    private int seen; // lines before this index were consumed by awaitEvent

    private GodotInstance(HeadlessChromium.Page page, String name) {
        this.page = page;
        this.name = name;
    }

    /** Opens {@code /godot/} with the given query and waits until the engine runs the scene. */
    public static GodotInstance start(
            HeadlessChromium chromium, String baseUrl, String name, String query) throws Exception {
        HeadlessChromium.Page page = chromium.openWindow(baseUrl + "/godot/?" + query);
        GodotInstance godot = new GodotInstance(page, name);
        page.waitFor(
                "window.godotHarness && (window.godotHarness.started || window.godotHarness.failure)",
                START);
        String failure = page.eval("window.godotHarness.failure").asText("");
        if (!failure.isEmpty() && !failure.equals("null")) {
            throw new AssertionError(name + ": the engine did not start: " + failure);
        }
        return godot;
    }

    /**
     * The test game, headless, with these user arguments (traced: its peer connections are kept for
     * stats).
     */
    public static GodotInstance testGame(
            HeadlessChromium chromium, String baseUrl, String name, String... userArgs)
            throws Exception {
        GodotInstance godot = scene(chromium, baseUrl, name, TEST_SCENE, true, userArgs);
        godot.awaitEvent("ready");
        return godot;
    }

    /** Any scene of the project, headless or rendered (WebGL), with these user arguments. */
    public static GodotInstance scene(
            HeadlessChromium chromium,
            String baseUrl,
            String name,
            String scene,
            boolean headless,
            String... userArgs)
            throws Exception {
        StringBuilder query = new StringBuilder("trace=1&scene=" + encode(scene));
        if (headless) {
            query.append("&headless=1");
        }
        for (String arg : userArgs) {
            query.append("&arg=").append(encode(arg));
        }
        return start(chromium, baseUrl, name, query.toString());
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    public HeadlessChromium.Page page() {
        return page;
    }

    public void command(String command) throws Exception {
        page.eval("window.godotHarness.commands.push(" + JSON.writeValueAsString(command) + ")");
    }

    /** Every line the engine printed so far. */
    public List<String> lines() throws Exception {
        List<String> lines = new ArrayList<>();
        page.eval("window.godotHarness.lines").forEach(l -> lines.add(l.asText()));
        return lines;
    }

    /** What the engine printed as errors (script errors, push_error, failed loads). */
    public List<String> errors() throws Exception {
        List<String> errors = new ArrayList<>();
        page.eval("window.godotHarness.errors").forEach(l -> errors.add(l.asText()));
        return errors;
    }

    /**
     * Waits for the next event line "@&lt;prefix&gt;…" after the last one awaited; returns it
     * without the '@'.
     */
    public String awaitEvent(String prefix) throws Exception {
        return awaitEvent(prefix, Duration.ofSeconds(30));
    }

    public String awaitEvent(String prefix, Duration timeout) throws Exception {
        return poll(
                "'@" + prefix + "'",
                timeout,
                lines -> {
                    for (int i = seen; i < lines.size(); i++) {
                        if (lines.get(i).startsWith("@" + prefix)) {
                            seen = i + 1;
                            return Optional.of(lines.get(i).substring(1));
                        }
                    }
                    return Optional.empty();
                });
    }

    /** Waits for a line (any line, not only events) that contains the text; returns it. */
    public String awaitLine(String text, Duration timeout) throws Exception {
        return poll(
                "line with '" + text + "'",
                timeout,
                lines -> lines.stream().filter(l -> l.contains(text)).findFirst());
    }

    /** An event line anywhere in the output so far, awaited or not. */
    public Optional<String> event(String prefix) throws Exception {
        return firstEvent(lines(), prefix);
    }

    /** Waits until some event line (awaited or not) starts with the prefix. */
    public String awaitAnyEvent(String prefix, Duration timeout) throws Exception {
        return poll("'@" + prefix + "'", timeout, lines -> firstEvent(lines, prefix));
    }

    private static Optional<String> firstEvent(List<String> lines, String prefix) {
        return lines.stream()
                .filter(l -> l.startsWith("@" + prefix))
                .map(l -> l.substring(1))
                .findFirst();
    }

    /**
     * Reads the output every 50 ms until {@code find} finds something in it, or fails with the
     * output.
     */
    private String poll(
            String what, Duration timeout, Function<List<String>, Optional<String>> find)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = lines();
            Optional<String> found = find.apply(lines);
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        name
                                + ": no "
                                + what
                                + " within "
                                + timeout
                                + "; output:\n  "
                                + String.join("\n  ", lines));
            }
            Thread.sleep(50);
        }
    }

    /** The lobby name from a "joined &lt;lobby&gt; &lt;id&gt; …" event. */
    public static String lobbyOf(String joinedEvent) {
        return joinedEvent.split(" ", -1)[1];
    }

    public static int peerIdOf(String joinedEvent) {
        return Integer.parseInt(joinedEvent.split(" ", -1)[2]);
    }

    public JsonNode eval(String expression) throws Exception {
        return page.eval(expression);
    }

    public void close() {
        page.closeTab();
    }

    @Override
    public String toString() {
        return name;
    }
}
