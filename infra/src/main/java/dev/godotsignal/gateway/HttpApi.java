package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.template.SamTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The template's HTTP API routes ({@code Type: HttpApi} events), served on the gateway's own port
 * as API Gateway's HTTP API serves them: the payload format 2.0 event in, the function's {@code
 * statusCode}/{@code headers}/{@code body} out, and CORS (preflights answered, the allow-origin
 * header added) from the API's {@code CorsConfiguration}.
 */
final class HttpApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Bound(SamTemplate.HttpRoute route, LocalFunction function) {}

    private final Map<String, Bound> routes = new LinkedHashMap<>();
    private final Consumer<String> log;

    HttpApi(Consumer<String> log) {
        this.log = log;
    }

    void add(SamTemplate.HttpRoute route, LocalFunction function) {
        routes.put(route.method() + " " + route.path(), new Bound(route, function));
    }

    /** Serves the request if it is one of the API's routes (or a preflight for one). */
    boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (method.equals("OPTIONS")) {
            Optional<Bound> target =
                    routes.values().stream().filter(b -> b.route().path().equals(path)).findFirst();
            if (target.isEmpty() || origin == null) {
                return false;
            }
            response.setStatus(204);
            if (allowedOrigin(target.get().route(), origin).isPresent()) {
                allowOrigin(response, target.get().route(), origin);
                response.getHeaders()
                        .put("Access-Control-Allow-Methods", target.get().route().method());
                response.getHeaders().put("Access-Control-Allow-Headers", "authorization");
                response.getHeaders().put("Access-Control-Max-Age", "600");
            }
            callback.succeeded();
            return true;
        }
        Bound bound = routes.get(method + " " + path);
        if (bound == null) {
            return false;
        }
        LocalFunction.Result result = bound.function().invoke(event(request, bound.route()));
        log.accept(
                method
                        + " "
                        + path
                        + " -> "
                        + bound.function().name()
                        + " "
                        + result.statusCode()
                        + " ("
                        + result.millis()
                        + " ms)");
        if (!result.ok()) {
            response.setStatus(500);
            Content.Sink.write(response, true, "{\"message\":\"Internal Server Error\"}", callback);
            return true;
        }
        JsonNode answer = result.response();
        response.setStatus(answer.path("statusCode").asInt(200));
        answer.path("headers")
                .fields()
                .forEachRemaining(
                        h -> response.getHeaders().put(h.getKey(), h.getValue().asText()));
        if (origin != null) {
            allowOrigin(response, bound.route(), origin);
        }
        Content.Sink.write(response, true, answer.path("body").asText(""), callback);
        return true;
    }

    private static Optional<String> allowedOrigin(SamTemplate.HttpRoute route, String origin) {
        if (route.allowOrigins().contains("*")) {
            return Optional.of("*");
        }
        return route.allowOrigins().contains(origin) ? Optional.of(origin) : Optional.empty();
    }

    private static void allowOrigin(Response response, SamTemplate.HttpRoute route, String origin) {
        allowedOrigin(route, origin)
                .ifPresent(
                        allowed -> {
                            response.getHeaders().put("Access-Control-Allow-Origin", allowed);
                            if (!allowed.equals("*")) {
                                response.getHeaders().put(HttpHeader.VARY, "Origin");
                            }
                        });
    }

    /** The payload format 2.0 event: lower-case headers, repeated parameters joined by commas. */
    private static ObjectNode event(Request request, SamTemplate.HttpRoute route) {
        ObjectNode event = JSON.createObjectNode();
        String routeKey = route.method() + " " + route.path();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", request.getHttpURI().getPath());
        String rawQuery = request.getHttpURI().getQuery();
        event.put("rawQueryString", rawQuery == null ? "" : rawQuery);
        ObjectNode headers = event.putObject("headers");
        for (HttpField field : request.getHeaders()) {
            String name = field.getName().toLowerCase(Locale.ROOT);
            headers.put(
                    name,
                    headers.has(name)
                            ? headers.get(name).asText() + "," + field.getValue()
                            : field.getValue());
        }
        Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        if (query.getSize() > 0) {
            ObjectNode parameters = event.putObject("queryStringParameters");
            for (Fields.Field field : query) {
                parameters.put(field.getName(), String.join(",", field.getValues()));
            }
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", SamTemplate.ACCOUNT);
        context.put("apiId", "local-http");
        context.put("domainName", "localhost");
        context.put("requestId", RequestIds.next());
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        context.put("timeEpoch", Instant.now().toEpochMilli());
        ObjectNode http = context.putObject("http");
        http.put("method", route.method());
        http.put("path", request.getHttpURI().getPath());
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", Request.getRemoteAddr(request));
        http.put(
                "userAgent",
                Optional.ofNullable(request.getHeaders().get(HttpHeader.USER_AGENT)).orElse(""));
        event.put("isBase64Encoded", false);
        return event;
    }

    List<String> describe() {
        return routes.keySet().stream().toList();
    }
}
