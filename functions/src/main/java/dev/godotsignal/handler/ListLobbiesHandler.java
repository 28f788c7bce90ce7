package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.auth.Tokens;
import dev.godotsignal.discovery.ListQuery;
import dev.godotsignal.discovery.LobbyDirectory;
import dev.godotsignal.store.DynamoDbSignalingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /lobbies} on the HTTP API: the public lobby list of a game (see docs/PROTOCOL.md).
 * With connect tokens on, it needs one ({@code Authorization: Bearer} or {@code ?token=}); a token
 * bound to a game lists only that game. CORS is the HTTP API's own (the template's {@code
 * CorsConfiguration}). Never logs the token.
 */
public final class ListLobbiesHandler implements RequestStreamHandler {
    private static final System.Logger LOG = System.getLogger(ListLobbiesHandler.class.getName());
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final LobbyDirectory directory;
    private final Optional<Tokens> tokens;

    public ListLobbiesHandler() {
        this(System.getenv());
    }

    public ListLobbiesHandler(Map<String, String> env) {
        FunctionConfig config = FunctionConfig.from(env);
        JsonLogFormatter.install();
        AwsClients clients = new AwsClients(config, env);
        this.directory =
                new LobbyDirectory(
                        new DynamoDbSignalingStore(clients.dynamo(), config.tables()),
                        Clock.systemUTC());
        this.tokens =
                config.authSecretParameter()
                        .map(
                                name ->
                                        new Tokens(
                                                clients.secureParameter(name)
                                                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
            throws IOException {
        APIGatewayV2HTTPEvent event = JSON.readValue(input, APIGatewayV2HTTPEvent.class);
        APIGatewayV2HTTPResponse response;
        try {
            response = answer(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "GET /lobbies failed", e);
            response = json(500, error("Internal error"));
        }
        JSON.writeValue(output, response);
    }

    private APIGatewayV2HTTPResponse answer(APIGatewayV2HTTPEvent event) {
        Map<String, String> parameters =
                event.getQueryStringParameters() == null
                        ? Map.of()
                        : event.getQueryStringParameters();
        ListQuery query;
        try {
            query = ListQuery.parse(parameters);
        } catch (ListQuery.BadQuery e) {
            return json(400, error(e.getMessage()));
        }
        if (tokens.isPresent()) {
            Optional<String> token = token(event, parameters);
            if (token.isEmpty()) {
                return json(401, error("Unauthorized"));
            }
            try {
                Tokens.Claims claims = tokens.get().verify(token.get(), Instant.now());
                if (claims.game().filter(g -> !g.equals(query.game())).isPresent()) {
                    return json(403, error("Forbidden"));
                }
            } catch (Tokens.InvalidToken e) {
                LOG.log(System.Logger.Level.INFO, "list refused: token " + e.refusal());
                return json(403, error("Forbidden"));
            }
        }
        return json(200, LobbyDirectory.json(directory.list(query)));
    }

    private static Optional<String> token(
            APIGatewayV2HTTPEvent event, Map<String, String> parameters) {
        Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders();
        Optional<String> bearer =
                headers.entrySet().stream()
                        .filter(h -> h.getKey().equalsIgnoreCase("authorization"))
                        .map(Map.Entry::getValue)
                        .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                        .map(v -> v.substring(7).trim())
                        .findFirst();
        return bearer.or(() -> Optional.ofNullable(parameters.get("token")))
                .filter(t -> !t.isEmpty());
    }

    private static String error(String reason) {
        return JSON.createObjectNode().put("error", reason).toString();
    }

    private static APIGatewayV2HTTPResponse json(int status, String body) {
        APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
        response.setStatusCode(status);
        response.setHeaders(
                Map.of("Content-Type", "application/json", "Cache-Control", "no-store"));
        response.setBody(body);
        return response;
    }
}
