package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * API Gateway's REQUEST authorizer on {@code $connect}: a missing identity source refuses with 401
 * without invoking it; a Deny (or a failure) refuses with 403 (500); an Allow passes its context on
 * to the {@code $connect} event.
 */
final class ConnectAuthorizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the authorizer decided for one handshake. */
    sealed interface Decision {
        /** Allowed; the context the {@code $connect} event carries, when an authorizer ran. */
        record Allowed(Optional<ObjectNode> context) implements Decision {}

        /** Refused with this HTTP status. */
        record Refused(int status, String message) implements Decision {}
    }

    private final Optional<LocalFunction> authorizer;
    private final List<String> identitySources;
    private final RouteEvents events;
    private final Consumer<String> log;

    ConnectAuthorizer(RouteTable routes, RouteEvents events, Consumer<String> log) {
        this.authorizer = routes.authorizer();
        this.identitySources = routes.authorizerSources();
        this.events = events;
        this.log = log;
    }

    Decision authorize(
            GatewayConnection connection,
            Map<String, List<String>> headers,
            Map<String, List<String>> query) {
        if (authorizer.isEmpty()) {
            return new Decision.Allowed(Optional.empty());
        }
        for (String source : identitySources) {
            if (!identitySourcePresent(source, headers, query)) {
                log.accept(
                        WebSocketFrontDoor.logColumn("$connect")
                                + " "
                                + connection.id
                                + " refused: no "
                                + source
                                + " (401, authorizer not invoked)");
                return new Decision.Refused(401, "Unauthorized");
            }
        }
        LocalFunction function = authorizer.get();
        LocalFunction.Result result =
                function.invoke(events.authorizer(connection, headers, query));
        boolean allowed =
                result.ok()
                        && result
                                .response()
                                .path("policyDocument")
                                .path("Statement")
                                .findValuesAsText("Effect")
                                .stream()
                                .anyMatch("Allow"::equals);
        log.accept(
                WebSocketFrontDoor.logColumn("authorizer")
                        + " "
                        + connection.id
                        + " -> "
                        + function.name()
                        + (allowed ? " Allow" : " Deny")
                        + " ("
                        + result.millis()
                        + " ms)");
        if (!allowed) {
            return new Decision.Refused(result.ok() ? 403 : 500, "Forbidden");
        }
        ObjectNode context =
                result.response().path("context").isObject()
                        ? ((ObjectNode) result.response().get("context")).deepCopy()
                        : JSON.createObjectNode();
        context.put("principalId", result.response().path("principalId").asText());
        return new Decision.Allowed(Optional.of(context));
    }

    /** An identity source such as route.request.querystring.token or route.request.header.Auth. */
    static boolean identitySourcePresent(
            String source, Map<String, List<String>> headers, Map<String, List<String>> query) {
        String queryPrefix = "route.request.querystring.";
        String headerPrefix = "route.request.header.";
        if (source.startsWith(queryPrefix)) {
            List<String> values = query.get(source.substring(queryPrefix.length()));
            return values != null && values.stream().anyMatch(v -> !v.isEmpty());
        }
        if (source.startsWith(headerPrefix)) {
            String name = source.substring(headerPrefix.length());
            return headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
        }
        return true;
    }
}
