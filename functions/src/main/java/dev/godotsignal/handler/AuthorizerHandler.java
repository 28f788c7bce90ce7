package dev.godotsignal.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.auth.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code $connect} REQUEST authorizer: verifies the {@code token} query parameter and answers
 * with an Allow policy carrying the player id (and lobby, if the token is bound to one) as context,
 * or a Deny (API Gateway refuses the handshake with 403). The token is never logged.
 */
public final class AuthorizerHandler implements RequestStreamHandler {
    private static final System.Logger LOG = System.getLogger(AuthorizerHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Tokens tokens;

    public AuthorizerHandler() {
        this(System.getenv());
    }

    public AuthorizerHandler(Map<String, String> env) {
        FunctionConfig config = FunctionConfig.from(env);
        String parameter =
                config.authSecretParameter()
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "AUTH_SECRET_PARAMETER is not set"));
        this.tokens =
                new Tokens(
                        new AwsClients(config, env)
                                .secureParameter(parameter)
                                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
            throws IOException {
        JsonNode event = JSON.readTree(input);
        String methodArn = event.path("methodArn").asText();
        String token = event.path("queryStringParameters").path("token").asText(null);
        ObjectNode response;
        try {
            Tokens.Claims claims = tokens.verify(token, Instant.now());
            response = policy(claims.playerId(), "Allow", methodArn);
            ObjectNode authContext = response.putObject("context");
            authContext.put("playerId", claims.playerId());
            claims.lobby().ifPresent(lobby -> authContext.put("lobby", lobby));
            claims.game().ifPresent(game -> authContext.put("game", game));
        } catch (Tokens.InvalidToken e) {
            LOG.log(System.Logger.Level.INFO, "connect refused: token " + e.refusal());
            response = policy("anonymous", "Deny", methodArn);
        }
        JSON.writeValue(output, response);
    }

    private static ObjectNode policy(String principal, String effect, String resource) {
        ObjectNode response = JSON.createObjectNode();
        response.put("principalId", principal);
        ObjectNode document = response.putObject("policyDocument");
        document.put("Version", "2012-10-17");
        ObjectNode statement = document.putArray("Statement").addObject();
        statement.put("Action", "execute-api:Invoke");
        statement.put("Effect", effect);
        statement.put("Resource", resource);
        return response;
    }
}
