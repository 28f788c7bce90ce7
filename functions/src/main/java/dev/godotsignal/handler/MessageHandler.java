package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.godotsignal.signaling.SignalingEvents;
import dev.godotsignal.signaling.SignalingService;
import java.util.Map;

/** {@code $default}: every protocol frame (the Godot protocol has no field to route on). */
public final class MessageHandler extends WebSocketHandler {

    public MessageHandler() {
        this(System.getenv());
    }

    public MessageHandler(Map<String, String> env) {
        super(env);
    }

    @Override
    protected int handle(APIGatewayV2WebSocketEvent event, byte[] raw, SignalingEvents report) {
        String connectionId = event.getRequestContext().getConnectionId();
        SignalingService service = runtime.service(event.getRequestContext(), report);
        if (event.isIsBase64Encoded()) {
            service.binary(connectionId); // API Gateway hands binary frames over base64-encoded
        } else {
            service.text(connectionId, event.getBody() == null ? "" : event.getBody());
        }
        return 200;
    }
}
