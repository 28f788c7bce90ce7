package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.godotsignal.signaling.SignalingEvents;
import java.util.Map;

/**
 * {@code $disconnect} (best effort, may never come): removes the connection and tells its lobby.
 */
public final class DisconnectHandler extends WebSocketHandler {

    public DisconnectHandler() {
        this(System.getenv());
    }

    public DisconnectHandler(Map<String, String> env) {
        super(env);
    }

    @Override
    protected int handle(APIGatewayV2WebSocketEvent event, SignalingEvents report) {
        runtime.service(event.getRequestContext(), report)
                .disconnect(event.getRequestContext().getConnectionId());
        return 200;
    }
}
