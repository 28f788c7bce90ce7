package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import java.util.Map;

/** {@code $disconnect} (best effort, may never come): removes the connection and tells its lobby. */
public final class DisconnectHandler extends WebSocketHandler {

    public DisconnectHandler() {
        this(System.getenv());
    }

    public DisconnectHandler(Map<String, String> env) {
        super(env);
    }

    @Override
    protected int handle(APIGatewayV2WebSocketEvent event) {
        runtime.service(event.getRequestContext()).disconnect(event.getRequestContext().getConnectionId());
        return 200;
    }
}
