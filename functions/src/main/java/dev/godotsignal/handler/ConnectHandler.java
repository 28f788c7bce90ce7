package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.godotsignal.lobby.Games;
import dev.godotsignal.resume.ResumeRefusal;
import dev.godotsignal.signaling.SignalingEvents;
import dev.godotsignal.signaling.SignalingService;
import java.util.Map;
import java.util.Optional;

/**
 * {@code $connect}: records the connection. {@code ?ext=1} opts in to extension frames, {@code
 * ?game=} picks the game (400 if it is not a game id; 403 if the connect token names another),
 * {@code &resume=<token>} resumes a dropped peer (403 for a token that is not the player's current
 * one, 410 when the peer is gone). Refuses browsers whose Origin is not on the allow-list (when one
 * is configured).
 */
public final class ConnectHandler extends WebSocketHandler {

    public ConnectHandler() {
        this(System.getenv());
    }

    public ConnectHandler(Map<String, String> env) {
        super(env);
    }

    @Override
    protected int handle(APIGatewayV2WebSocketEvent event, byte[] raw, SignalingEvents report) {
        if (!runtime.originAllowed(header(event, "Origin"))) {
            return 403; // a browser page from an origin not on the allow-list
        }
        Map<String, String> query =
                event.getQueryStringParameters() == null
                        ? Map.of()
                        : event.getQueryStringParameters();
        String ext = query.get("ext");
        boolean extensions = "1".equals(ext) || "true".equalsIgnoreCase(ext);
        String game = query.getOrDefault("game", Games.DEFAULT);
        if (!Games.isValid(game)) {
            return 400;
        }
        // Set by the authorizer when tokens are on: a token bound to a lobby only lets its holder
        // join that one; a token bound to a game only lets its holder into that one.
        Map<String, Object> authorizer = event.getRequestContext().getAuthorizer();
        Optional<String> lobby = claim(authorizer, "lobby");
        Optional<String> player = claim(authorizer, "playerId");
        if (claim(authorizer, "game").filter(g -> !g.equals(game)).isPresent()) {
            return 403;
        }
        String connectionId = event.getRequestContext().getConnectionId();
        SignalingService service = runtime.service(event.getRequestContext(), report);
        String resume = query.get("resume");
        if (resume != null) {
            return service.resume(connectionId, extensions, game, lobby, player, resume)
                    .map(ResumeRefusal::httpStatus)
                    .orElse(200);
        }
        service.connect(connectionId, extensions, game, lobby, player);
        return 200;
    }

    private static Optional<String> claim(Map<String, Object> authorizer, String name) {
        return authorizer == null
                ? Optional.empty()
                : Optional.ofNullable(authorizer.get(name)).map(String::valueOf);
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
