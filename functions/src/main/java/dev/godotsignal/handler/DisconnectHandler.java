package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.godotsignal.signaling.Closure;
import dev.godotsignal.signaling.SignalingEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code $disconnect} (best effort, may never come): a close the client asked for (1000) removes
 * the connection and tells its lobby; any other close is a drop, which suspends an extension peer
 * so it can resume.
 */
public final class DisconnectHandler extends WebSocketHandler {

    public DisconnectHandler() {
        this(System.getenv());
    }

    public DisconnectHandler(Map<String, String> env) {
        super(env);
    }

    @Override
    protected int handle(APIGatewayV2WebSocketEvent event, byte[] raw, SignalingEvents report) {
        JsonNode code;
        try {
            code = requestContextField(raw, "disconnectStatusCode");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // it was just read as an event: cannot happen
        }
        runtime.service(event.getRequestContext(), report)
                .disconnect(
                        event.getRequestContext().getConnectionId(),
                        Closure.ofStatusCode(code.canConvertToInt() ? code.asInt() : null));
        return 200;
    }
}
