package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import java.util.Map;

/** {@code $connect}: records the connection. {@code ?ext=1} opts in to extension frames. */
public final class ConnectHandler extends WebSocketHandler {

    public ConnectHandler() {
        this(System.getenv());
    }

    public ConnectHandler(Map<String, String> env) {
        super(env);
    }

    @Override
    protected int handle(APIGatewayV2WebSocketEvent event) {
        Map<String, String> query = event.getQueryStringParameters();
        String ext = query == null ? null : query.get("ext");
        boolean extensions = "1".equals(ext) || "true".equalsIgnoreCase(ext);
        runtime.service(event.getRequestContext()).connect(event.getRequestContext().getConnectionId(), extensions);
        return 200;
    }
}
