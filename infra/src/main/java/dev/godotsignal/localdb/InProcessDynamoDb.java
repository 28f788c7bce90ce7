package dev.godotsignal.localdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.inprocess.LocalEndpoint;
import dev.godotsignal.inprocess.LocalHttpRequest;
import dev.godotsignal.inprocess.LocalHttpResponse;
import java.lang.reflect.Field;
import java.util.Map;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.dispatchers.Dispatcher;
import software.amazon.dynamodb.services.local.exceptions.ExceptionBean;
import software.amazon.dynamodb.services.local.server.AbstractLocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.DynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local's own request handling without its HTTP server: the JSON body the SDK marshalled
 * is read by DynamoDB Local's mapper into the operation's request, run by its engine, and the
 * answer (or its error, in DynamoDB's error JSON) goes back as the server would have sent it. It
 * reaches the server's parts by reflection, as DynamoDB Local offers no such entry point; {@link
 * #of} fails at start-up, not mid-request, if a new version moves them.
 */
final class InProcessDynamoDb implements LocalEndpoint {
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    private final ObjectMapper json;
    private final DynamoDBRequestHandler engine;
    private final Map<String, Dispatcher<Object>> dispatchers;
    private final Map<String, Class<?>> requestTypes;

    private InProcessDynamoDb(
            ObjectMapper json,
            DynamoDBRequestHandler engine,
            Map<String, Dispatcher<Object>> dispatchers,
            Map<String, Class<?>> requestTypes) {
        this.json = json;
        this.engine = engine;
        this.dispatchers = dispatchers;
        this.requestTypes = requestTypes;
    }

    /** The endpoint of a started server (it shares the server's database). */
    static InProcessDynamoDb of(DynamoDBProxyServer server) {
        try {
            Object handler = field(DynamoDBProxyServer.class, "serverHandler").get(server);
            ObjectMapper json =
                    (ObjectMapper)
                            field(AbstractLocalDynamoDBServerHandler.class, "jsonMapper")
                                    .get(handler);
            DynamoDBRequestHandler engine =
                    (DynamoDBRequestHandler)
                            field(AbstractLocalDynamoDBServerHandler.class, "primaryHandler")
                                    .get(handler);
            @SuppressWarnings("unchecked")
            Map<String, Dispatcher<Object>> dispatchers =
                    (Map<String, Dispatcher<Object>>)
                            field(LocalDynamoDBServerHandler.class, "dispatchers").get(null);
            @SuppressWarnings("unchecked")
            Map<String, Class<?>> requestTypes =
                    (Map<String, Class<?>>)
                            field(LocalDynamoDBServerHandler.class, "classes").get(null);
            if (json == null || engine == null || dispatchers.isEmpty()) {
                throw new IllegalStateException("DynamoDB Local's handler is not initialised");
            }
            return new InProcessDynamoDb(
                    json, engine, Map.copyOf(dispatchers), Map.copyOf(requestTypes));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(
                    "this DynamoDB Local version cannot be reached in process: " + e, e);
        }
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    @Override
    public LocalHttpResponse handle(LocalHttpRequest request) {
        try {
            String[] scope = credentialScope(request);
            String accessKey = scope[0];
            String region = scope.length > 2 ? scope[2] : "us-east-1";
            String target = request.header("X-Amz-Target").orElse("");
            String action = target.substring(target.indexOf('.') + 1);
            Dispatcher<Object> dispatcher = dispatchers.get(action);
            Class<?> type = requestTypes.get(action);
            if (dispatcher == null || type == null) {
                return error(400, new ExceptionBean("UnknownOperationException", null));
            }
            Object operation = json.readValue(request.body(), type);
            byte[] answer = dispatcher.enact(accessKey, region, operation, engine);
            return new LocalHttpResponse(200, Map.of("Content-Type", CONTENT_TYPE), answer);
        } catch (DynamoDBLocalServiceException e) {
            return error(
                    e.statusCode(),
                    new ExceptionBean(
                            e.getErrorCode(),
                            e.getErrorMessage(),
                            e.getCancellationReasons(),
                            e.getItem()));
        } catch (java.io.IOException | RuntimeException e) {
            return error(
                    500, new ExceptionBean("InternalFailure", "in-process DynamoDB Local: " + e));
        }
    }

    /** SigV4's credential scope, {@code Credential=<key>/<date>/<region>/dynamodb/aws4_request}. */
    private static String[] credentialScope(LocalHttpRequest request) {
        String authorization = request.header("Authorization").orElse("");
        int start = authorization.indexOf("Credential=");
        if (start < 0) {
            return new String[] {""};
        }
        int end = authorization.indexOf(',', start);
        return authorization
                .substring(start + "Credential=".length(), end < 0 ? authorization.length() : end)
                .split("/");
    }

    private LocalHttpResponse error(int status, ExceptionBean bean) {
        try {
            return new LocalHttpResponse(
                    status, Map.of("Content-Type", CONTENT_TYPE), json.writeValueAsBytes(bean));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
