package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.template.SamTemplate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The template's routes wired to local functions: which function each route key invokes, which
 * routes API Gateway answers itself (MOCK), the {@code $connect} authorizer, and route selection.
 */
final class RouteTable {

    private final Map<String, LocalFunction> routes = new LinkedHashMap<>();

    /** Routes answered by API Gateway itself (MOCK integrations): no function runs. */
    private final Set<String> mockRoutes = new HashSet<>();

    private Optional<LocalFunction> authorizer = Optional.empty();
    private List<String> authorizerSources = List.of();

    /** The field of the body named by the route selection expression, or null if it names none. */
    private final String selectionField;

    /**
     * @param function the local function of a template function id, created once per id
     */
    RouteTable(SamTemplate template, Function<String, LocalFunction> function) {
        String expression = template.routeSelectionExpression();
        this.selectionField =
                expression.startsWith("$request.body.")
                        ? expression.substring("$request.body.".length())
                        : null;
        template.routes()
                .forEach(
                        (key, route) -> {
                            if (key.equals("$connect") && route.authorizer().isPresent()) {
                                authorizer =
                                        Optional.of(
                                                function.apply(
                                                        route.authorizer().get().functionId()));
                                authorizerSources = route.authorizer().get().identitySources();
                            }
                            if (route.functionId().isEmpty()) {
                                mockRoutes.add(key);
                            } else {
                                routes.put(key, function.apply(route.functionId().get()));
                            }
                        });
    }

    Optional<LocalFunction> function(String routeKey) {
        return Optional.ofNullable(routes.get(routeKey));
    }

    boolean isMock(String routeKey) {
        return mockRoutes.contains(routeKey);
    }

    Optional<LocalFunction> authorizer() {
        return authorizer;
    }

    List<String> authorizerSources() {
        return authorizerSources;
    }

    /**
     * Picks the route as API Gateway does: the selection expression's value if a route has it, else
     * $default. {@code body}: the frame's JSON, empty when it is not JSON (or binary).
     */
    String select(Optional<JsonNode> body) {
        if (body.isEmpty() || selectionField == null) {
            return "$default";
        }
        JsonNode node = body.get();
        for (String part : selectionField.split("\\.", -1)) {
            node = node == null ? null : node.get(part);
        }
        if (node != null
                && node.isTextual()
                && !node.asText().startsWith("$")
                && (routes.containsKey(node.asText()) || mockRoutes.contains(node.asText()))) {
            return node.asText();
        }
        return "$default";
    }

    /** For the start-up log: each route and what answers it. */
    String describe() {
        StringBuilder line = new StringBuilder();
        routes.forEach(
                (key, function) ->
                        line.append(line.length() == 0 ? "" : ", ")
                                .append(key)
                                .append(" -> ")
                                .append(function.name()));
        mockRoutes.forEach(key -> line.append(", ").append(key).append(" -> MOCK"));
        return line.toString();
    }
}
