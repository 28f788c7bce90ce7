package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.signaling.SignalingEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * Base of the three route handlers: reads the API Gateway event JSON itself (one ObjectMapper per
 * environment, no reflection-heavy runtime serializer), calls {@link #handle}, writes the response.
 */
abstract class WebSocketHandler implements RequestStreamHandler, Primeable {
    private static final System.Logger LOG = System.getLogger(WebSocketHandler.class.getName());
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    protected final SignalingRuntime runtime;

    protected WebSocketHandler(Map<String, String> env) {
        this.runtime = new SignalingRuntime(env, PrimingPlan.of(getClass()));
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context)
            throws IOException {
        byte[] raw = input.readAllBytes();
        APIGatewayV2WebSocketEvent event = JSON.readValue(raw, APIGatewayV2WebSocketEvent.class);
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        InvocationReport report =
                runtime.report(
                        event.getRequestContext().getRouteKey(),
                        event.getRequestContext().getConnectionId());
        int status;
        try {
            status = handle(event, raw, report);
        } catch (RuntimeException e) {
            // Logged for the operator; the client never sees it (a thrown error would make API
            // Gateway send it {"message":"Internal server error"}, a frame Godot clients reject).
            LOG.log(
                    System.Logger.Level.ERROR,
                    "route "
                            + event.getRequestContext().getRouteKey()
                            + " failed for "
                            + event.getRequestContext().getConnectionId(),
                    e);
            status = 500;
        }
        response.setStatusCode(status);
        runtime.emit(report, status);
        JSON.writeValue(output, response);
    }

    @Override
    public void prime() {
        runtime.prime();
    }

    /**
     * Handles one event; returns the HTTP status (only $connect's matters: non-2xx refuses the
     * handshake). {@code raw} is the event as sent, for the fields the event class does not map
     * ({@code disconnectStatusCode}).
     */
    protected abstract int handle(
            APIGatewayV2WebSocketEvent event, byte[] raw, SignalingEvents report);

    /** A field of the raw event's {@code requestContext} that the event class does not map. */
    protected static JsonNode requestContextField(byte[] raw, String name) throws IOException {
        return JSON.readTree(raw).path("requestContext").path(name);
    }
}
