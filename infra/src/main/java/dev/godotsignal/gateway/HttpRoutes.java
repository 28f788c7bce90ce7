package dev.godotsignal.gateway;

import dev.godotsignal.inprocess.LocalHttpRequest;
import dev.godotsignal.inprocess.LocalHttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
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
        if (path.startsWith(LocalParameters.PATH) && request.getMethod().equals("POST")) {
            answer(request, response, callback, parameters::handle, "application/x-amz-json-1.1");
            return true;
        }
        if (path.startsWith(LocalQueues.PATH) && request.getMethod().equals("POST")) {
            answer(request, response, callback, queues::handle, "application/x-amz-json-1.0");
            return true;
        }
        if (path.contains(ManagementApi.PATH)) {
            management.handle(request, response, callback, path);
            return true;
        }
        if (httpApi.handle(request, response, callback)) {
            return true;
        }
        if (get && godot.isPresent() && godot.get().handle(path, response, callback)) {
            return true;
        }
        if (get && web.isPresent()) {
            Optional<Path> file = web.get().resolve(path);
            if (file.isPresent()) {
                StaticFiles.serve(file.get(), response, callback);
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
     * The emulated AWS APIs for a call handed over in process: the same logic as their HTTP routes
     * above, without the socket.
     */
    LocalHttpResponse answerInProcess(LocalHttpRequest request) {
        String path = request.path();
        boolean post = request.method().equals("POST");
        String target = request.header("X-Amz-Target").orElse(null);
        String body = new String(request.body(), StandardCharsets.UTF_8);
        if (path.startsWith(LocalParameters.PATH) && post) {
            return json(parameters.handle(target, body), "application/x-amz-json-1.1");
        }
        if (path.startsWith(LocalQueues.PATH) && post) {
            return json(queues.handle(target, body), "application/x-amz-json-1.0");
        }
        if (path.contains(ManagementApi.PATH)) {
            return management.call(
                    request.method(), path, request.header("Authorization"), request.body());
        }
        return LocalHttpResponse.of(404, "text/plain", "Not Found");
    }

    private static LocalHttpResponse json(JsonAnswer answer, String contentType) {
        return LocalHttpResponse.of(answer.status(), contentType, answer.body());
    }

    /**
     * An emulated AWS JSON-protocol API (SQS, SSM): the target header and body in, status and JSON
     * out.
     */
    private static void answer(
            Request request,
            Response response,
            Callback callback,
            BiFunction<String, String, JsonAnswer> api,
            String contentType)
            throws IOException {
        JsonAnswer answer =
                api.apply(
                        request.getHeaders().get("X-Amz-Target"),
                        Content.Source.asString(request, StandardCharsets.UTF_8));
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        Content.Sink.write(response, true, answer.body(), callback);
    }
}
