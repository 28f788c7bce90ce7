package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.godotsignal.signaling.SignalingEvents;
import java.util.Map;
import java.util.Optional;

/**
 * {@code $connect}: records the connection. {@code ?ext=1} opts in to extension frames. Refuses
 * browsers whose Origin is not on the allow-list (when one is configured).
 */
public final class ConnectHandler extends WebSocketHandler {

    public ConnectHandler() {
        this(System.getenv());
    }

    public ConnectHandler(Map<String, String> env) {
        super(env);
    }

    @Override
    protected int handle(APIGatewayV2WebSocketEvent event, SignalingEvents report) {
        if (!runtime.originAllowed(header(event, "Origin"))) {
            return 403; // a browser page from an origin not on the allow-list
        }
        Map<String, String> query = event.getQueryStringParameters();
        String ext = query == null ? null : query.get("ext");
        boolean extensions = "1".equals(ext) || "true".equalsIgnoreCase(ext);
        // Set by the authorizer when tokens are on: a token bound to a lobby only lets its holder
        // join that one.
        Map<String, Object> authorizer = event.getRequestContext().getAuthorizer();
        Optional<String> lobby =
                authorizer == null
                        ? Optional.empty()
                        : Optional.ofNullable(authorizer.get("lobby")).map(String::valueOf);
        runtime.service(event.getRequestContext(), report)
                .connect(event.getRequestContext().getConnectionId(), extensions, lobby);
        return 200;
    }

    private static String header(APIGatewayV2WebSocketEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}
