package dev.godotsignal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (no driver binary, no download).
 * WebRTC runs for real; host candidates are plain IPs (mDNS hiding is off).
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path profile;
    private final int port;
    private final List<Page> pages = new ArrayList<>();

    private HeadlessChromium(Process process, Path profile, int port) {
        this.process = process;
        this.profile = profile;
        this.port = port;
    }

    /** The Chromium binary, if this machine has one. */
    public static Optional<Path> executable() {
        String configured = System.getenv("CHROMIUM");
        return Stream.of(
                        configured,
                        "/usr/bin/chromium",
                        "/usr/bin/chromium-browser",
                        "/usr/bin/google-chrome")
                .filter(p -> p != null && !p.isBlank())
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
    }

    public static HeadlessChromium launch() throws Exception {
        return launch(false);
    }

    /**
     * With {@code webGl}, pages can render with WebGL 2 (SwiftShader, on the CPU): the Godot engine
     * draws its UI.
     */
    public static HeadlessChromium launch(boolean webGl) throws Exception {
        Path binary =
                executable().orElseThrow(() -> new IllegalStateException("no Chromium installed"));
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> graphics =
                webGl
                        ? List.of(
                                "--use-angle=swiftshader",
                                "--enable-unsafe-swiftshader",
                                "--ignore-gpu-blocklist")
                        : List.of("--disable-gpu");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                binary.toString(),
                                "--headless=new",
                                "--no-sandbox",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--disable-default-apps",
                                "--disable-extensions",
                                "--mute-audio",
                                "--disable-features=WebRtcHideLocalIpsWithMdns",
                                // WebAssembly compiled by the baseline compiler only: a Godot
                                // engine instance then starts on about 40 % less CPU (measured:
                                // its renderer's CPU over its first 12-24 s, 3.0 s instead of
                                // 5.2 s), as no optimizing compiles of its 37 MB module compete
                                // with the tests for the two cores.
                                "--js-flags=--liftoff-only",
                                // Background tabs must keep running: each Godot instance is a tab
                                // with its own main loop.
                                "--disable-background-timer-throttling",
                                "--disable-renderer-backgrounding",
                                "--disable-backgrounding-occluded-windows",
                                "--remote-allow-origins=*",
                                "--remote-debugging-port=0",
                                // SwiftShader draws on the CPU: a rendered page gets a smaller
                                // window.
                                webGl ? "--window-size=960,640" : "--window-size=1280,900",
                                "--user-data-dir=" + profile));
        command.addAll(graphics);
        command.add("about:blank");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(profile.resolve("chromium.log").toFile())
                        .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "Chromium did not start: "
                                + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        return new HeadlessChromium(process, profile, port);
    }

    /** Opens a tab at {@code url} and waits until its document has loaded. */
    public Page open(String url) throws Exception {
        HttpResponse<String> created =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/json/new?" + url))
                                .PUT(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode target = JSON.readTree(created.body());
        Page page = new Page(URI.create(target.get("webSocketDebuggerUrl").asText()));
        pages.add(page);
        // A new tab starts as about:blank, which is "complete" at once: wait for the real page.
        page.waitFor(
                "location.href !== 'about:blank' && document.readyState === 'complete'",
                Duration.ofSeconds(15));
        return page;
    }

    /**
     * Opens {@code url} in a window of its own and waits until its document has loaded. A tab in
     * the background gets no animation frames, so a page with a main loop (the Godot engine) needs
     * its own window to keep running beside others.
     */
    public Page openWindow(String url) throws Exception {
        JsonNode version =
                JSON.readTree(
                        HTTP.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + port
                                                                        + "/json/version"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
        Page browser = new Page(URI.create(version.get("webSocketDebuggerUrl").asText()), false);
        String targetId;
        try {
            targetId =
                    browser.call("Target.createTarget", Map.of("url", url, "newWindow", true))
                            .get("targetId")
                            .asText();
        } finally {
            browser.close();
        }
        Page page = new Page(URI.create("ws://127.0.0.1:" + port + "/devtools/page/" + targetId));
        pages.add(page);
        page.waitFor(
                "location.href !== 'about:blank' && document.readyState === 'complete'",
                Duration.ofSeconds(15));
        return page;
    }

    @Override
    public void close() {
        pages.forEach(Page::close);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Chromium's helper processes may still be writing into the profile as it goes away.
        for (int attempt = 0; attempt < 3 && Files.exists(profile); attempt++) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // a file vanished under the walk: walk again
            }
        }
    }

    /** One tab, spoken to over its DevTools WebSocket. */
    public static final class Page implements AutoCloseable {
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
        public final List<String> console = new java.util.concurrent.CopyOnWriteArrayList<>();

        Page(URI debuggerUrl) throws Exception {
            this(debuggerUrl, true);
        }

        private Page(URI debuggerUrl, boolean runtime) throws Exception {
            this.socket =
                    HTTP.newWebSocketBuilder()
                            .buildAsync(
                                    debuggerUrl,
                                    new WebSocket.Listener() {
                                        private final StringBuilder partial = new StringBuilder();

                                        @Override
                                        public CompletionStage<?> onText(
                                                WebSocket ws, CharSequence data, boolean last) {
                                            partial.append(data);
                                            if (last) {
                                                dispatch(partial.toString());
                                                partial.setLength(0);
                                            }
                                            ws.request(1);
                                            return null;
                                        }
                                    })
                            .get(10, TimeUnit.SECONDS);
            if (runtime) {
                call("Runtime.enable", Map.of());
            }
        }

        private void dispatch(String text) {
            try {
                JsonNode message = JSON.readTree(text);
                if (message.has("id")) {
                    CompletableFuture<JsonNode> call = calls.remove(message.get("id").asInt());
                    if (call != null) {
                        call.complete(message);
                    }
                } else if ("Runtime.consoleAPICalled".equals(message.path("method").asText())) {
                    StringBuilder line =
                            new StringBuilder(message.path("params").path("type").asText())
                                    .append(':');
                    message.path("params")
                            .path("args")
                            .forEach(
                                    a ->
                                            line.append(' ')
                                                    .append(
                                                            a.path("value")
                                                                    .asText(
                                                                            a.path("description")
                                                                                    .asText())));
                    console.add(line.toString());
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> result = new CompletableFuture<>();
            calls.put(id, result);
            ObjectNode request = JSON.createObjectNode();
            request.put("id", id);
            request.put("method", method);
            request.set("params", JSON.valueToTree(params));
            socket.sendText(request.toString(), true).join();
            JsonNode response = result.get(30, TimeUnit.SECONDS);
            if (response.has("error")) {
                throw new IllegalStateException(method + ": " + response.get("error"));
            }
            return response.get("result");
        }

        /** Evaluates JavaScript (awaiting a promise) and returns its JSON value. */
        public JsonNode eval(String expression) throws Exception {
            JsonNode result =
                    call(
                            "Runtime.evaluate",
                            Map.of(
                                    "expression",
                                    expression,
                                    "awaitPromise",
                                    true,
                                    "returnByValue",
                                    true,
                                    "userGesture",
                                    true));
            if (result.has("exceptionDetails")) {
                throw new AssertionError(
                        "page threw: "
                                + result.get("exceptionDetails")
                                        .path("exception")
                                        .path("description")
                                        .asText(result.get("exceptionDetails").toString())
                                + "\nconsole: "
                                + console);
            }
            return result.path("result").path("value");
        }

        /** Waits until a JavaScript condition is true. */
        public void waitFor(String condition, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!eval("(async () => !!(await (" + condition + ")))()").asBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "timed out waiting for " + condition + "\nconsole: " + console);
                }
                Thread.sleep(50);
            }
        }

        /** A left click at page coordinates, as a player's mouse makes it. */
        public void click(int x, int y) throws Exception {
            call("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
            call(
                    "Input.dispatchMouseEvent",
                    Map.of(
                            "type",
                            "mousePressed",
                            "x",
                            x,
                            "y",
                            y,
                            "button",
                            "left",
                            "buttons",
                            1,
                            "clickCount",
                            1));
            call(
                    "Input.dispatchMouseEvent",
                    Map.of(
                            "type",
                            "mouseReleased",
                            "x",
                            x,
                            "y",
                            y,
                            "button",
                            "left",
                            "buttons",
                            0,
                            "clickCount",
                            1));
        }

        /** Types text key by key into whatever has the focus. */
        public void type(String text) throws Exception {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                String key = String.valueOf(c);
                String code =
                        Character.isLetter(c)
                                ? "Key" + Character.toUpperCase(c)
                                : Character.isDigit(c) ? "Digit" + c : "";
                call(
                        "Input.dispatchKeyEvent",
                        Map.of("type", "keyDown", "key", key, "code", code, "text", key));
                call("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", key, "code", code));
            }
        }

        public void screenshot(Path file) throws Exception {
            call("Page.bringToFront", Map.of()); // a background tab renders no frames to capture
            JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png"));
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
        }

        /** Closes the tab itself (its scripts stop), not only the DevTools connection. */
        public void closeTab() {
            ObjectNode request = JSON.createObjectNode();
            request.put("id", ids.incrementAndGet());
            request.put("method", "Page.close");
            request.putObject("params");
            // The tab goes away with its DevTools socket: no answer comes back to wait for.
            socket.sendText(request.toString(), true).exceptionally(e -> null);
            close();
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
