package dev.godotsignal.gateway;

import dev.godotsignal.inprocess.LocalHttpRequest;
import dev.godotsignal.inprocess.LocalHttpResponse;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP side of the gateway: the template's HTTP API routes ({@code GET /lobbies}), the emulated
 * AWS APIs the handlers call (SSM, SQS, {@code @connections}), the web client and demo page, the
 * Godot project under {@code /godot/}, and a status page.
 */
final class HttpRoutes extends Handler.Abstract {
    /**
     * How much of an emulated API's request body is read: more than any of them accepts (SQS 256
     * KiB, {@code @connections} 128 KiB), so a body over a limit is still seen as too long.
     */
    private static final int EMULATED_BODY_LIMIT = 1 << 20;

    private final LocalParameters parameters;
    private final LocalQueues queues;
    private final ManagementApi management;
    private final HttpApi httpApi;
    private final Optional<StaticFiles> web;
    private final Optional<GodotWebFiles> godot;
    private final Supplier<String> status;

    /**
     * @param webRoot the web client's folder; the Godot project is its sibling {@code godot}
     * @param status the text of the status page
     */
    HttpRoutes(
            LocalParameters parameters,
            LocalQueues queues,
            ManagementApi management,
            HttpApi httpApi,
            Optional<Path> webRoot,
            Supplier<String> status) {
        this.parameters = parameters;
        this.queues = queues;
        this.management = management;
        this.httpApi = httpApi;
        this.web = webRoot.filter(Files::isDirectory).map(StaticFiles::new);
        this.godot = godotProject(webRoot).map(GodotWebFiles::new);
        this.status = status;
    }

    /** The Godot project next to the web client, if there is one. */
    static Optional<Path> godotProject(Optional<Path> webRoot) {
        return webRoot.map(root -> root.resolveSibling("godot")).filter(Files::isDirectory);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        boolean get = request.getMethod().equals("GET");
        Optional<Function<LocalHttpRequest, LocalHttpResponse>> api =
                emulatedApi(request.getMethod(), path, false);
        if (api.isPresent()) {
            byte[] body;
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = in.readNBytes(EMULATED_BODY_LIMIT);
            }
            LocalHttpResponse answer =
                    api.get()
                            .apply(
                                    new LocalHttpRequest(
                                            request.getMethod(), path, headers(request), body));
            response.setStatus(answer.status());
            answer.headers().forEach(response.getHeaders()::put);
            response.write(true, ByteBuffer.wrap(answer.body()), callback);
            return true;
        }
        if (httpApi.handle(request, response, callback)) {
            return true;
        }
        if (get && godot.isPresent() && godot.get().handle(path, request, response, callback)) {
            return true;
        }
        if (get && web.isPresent()) {
            Optional<Path> file = web.get().resolve(path);
            if (file.isPresent()) {
                StaticFiles.serve(file.get(), request, response, callback);
                return true;
            }
        }
        if (get && (path.equals("/") || path.equals("/status"))) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            Content.Sink.write(response, true, status.get(), callback);
            return true;
        }
        Response.writeError(request, response, callback, 404);
        return true;
    }

    /**
     * The emulated AWS APIs for a call handed over in process: the same routes as over HTTP above,
     * without the socket.
     */
    LocalHttpResponse answerInProcess(LocalHttpRequest request) {
        return emulatedApi(request.method(), request.path(), true)
                .map(api -> api.apply(request))
                .orElseGet(() -> LocalHttpResponse.of(404, "text/plain", "Not Found"));
    }

    /** The emulated AWS API (SSM, SQS, {@code @connections}) a request is for, if any. */
    private Optional<Function<LocalHttpRequest, LocalHttpResponse>> emulatedApi(
            String method, String path, boolean inProcess) {
        boolean post = method.equals("POST");
        if (post && path.startsWith(LocalParameters.PATH)) {
            return Optional.of(
                    r -> json(parameters.handle(target(r), text(r)), "application/x-amz-json-1.1"));
        }
        if (post && path.startsWith(LocalQueues.PATH)) {
            return Optional.of(
                    r -> json(queues.handle(target(r), text(r)), "application/x-amz-json-1.0"));
        }
        if (path.contains(ManagementApi.PATH)) {
            return Optional.of(
                    r ->
                            management.call(
                                    r.method(),
                                    r.path(),
                                    r.header("Authorization"),
                                    inProcess,
                                    r.body()));
        }
        return Optional.empty();
    }

    private static String target(LocalHttpRequest request) {
        return request.header("X-Amz-Target").orElse(null);
    }

    private static String text(LocalHttpRequest request) {
        return new String(request.body(), StandardCharsets.UTF_8);
    }

    private static LocalHttpResponse json(JsonAnswer answer, String contentType) {
        return LocalHttpResponse.of(answer.status(), contentType, answer.body());
    }

    private static Map<String, List<String>> headers(Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>())
                    .add(field.getValue());
        }
        return headers;
    }
}
