package dev.godotsignal.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves files from one directory, so browsers load the web client, the demo page and the Godot
 * engine from the gateway's own origin (Chromium refuses pages from other origins that open local
 * connections).
 */
final class StaticFiles {
    private static final Map<String, String> TYPES =
            Map.ofEntries(
                    Map.entry("html", "text/html; charset=utf-8"),
                    Map.entry("js", "text/javascript; charset=utf-8"),
                    Map.entry("mjs", "text/javascript; charset=utf-8"),
                    Map.entry("css", "text/css; charset=utf-8"),
                    Map.entry("svg", "image/svg+xml"),
                    Map.entry("png", "image/png"),
                    Map.entry("json", "application/json"),
                    Map.entry("ico", "image/x-icon"),
                    Map.entry("md", "text/markdown; charset=utf-8"),
                    // Streaming compilation of the Godot engine needs this exact type.
                    Map.entry("wasm", "application/wasm"));

    private final Path root;

    StaticFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The file for a request path ("/" is index.html), if it is a regular file inside the root. */
    Optional<Path> resolve(String requestPath) {
        String relative =
                requestPath.isEmpty() || requestPath.equals("/")
                        ? "index.html"
                        : requestPath.startsWith("/") ? requestPath.substring(1) : requestPath;
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(file);
    }

    /**
     * The file, or 304 when the browser's copy is still this file: with a validator the browser
     * keeps the engine's compiled WebAssembly (V8's code cache lives with the cached response), so
     * a reload or a second window starts the engine without compiling it again.
     */
    static void serve(Path file, Request request, Response response, Callback callback)
            throws IOException {
        String tag =
                "\"" + Files.size(file) + "-" + Files.getLastModifiedTime(file).toMillis() + "\"";
        response.getHeaders().put(HttpHeader.ETAG, tag);
        if (tag.equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            response.setStatus(304);
            response.write(true, null, callback);
            return;
        }
        String name = file.getFileName().toString();
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        send(
                Files.readAllBytes(file),
                TYPES.getOrDefault(extension, "application/octet-stream"),
                response,
                callback);
    }

    static void send(byte[] body, String contentType, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        // Always revalidated: the files change under a developer's hands.
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
