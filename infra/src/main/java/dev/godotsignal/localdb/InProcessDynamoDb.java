package dev.godotsignal.localdb;

import com.amazonaws.services.dynamodbv2.datamodel.DocumentFactory;
import com.amazonaws.services.dynamodbv2.dbenv.DbEnv;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.inprocess.LocalEndpoint;
import dev.godotsignal.inprocess.LocalHttpRequest;
import dev.godotsignal.inprocess.LocalHttpResponse;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.dynamodb.services.exceptions.AWSExceptionFactory;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.dispatchers.Dispatcher;
import software.amazon.dynamodb.services.local.exceptions.ExceptionBean;
import software.amazon.dynamodb.services.local.server.AbstractLocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.DynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;
import software.amazon.dynamodb.services.local.shared.access.LocalDBAccess;
import software.amazon.dynamodb.services.local.shared.access.LocalDBInputConverter;
import software.amazon.dynamodb.services.local.shared.access.LocalDBOutputConverter;
import software.amazon.dynamodb.services.local.shared.access.api.dp.TransactWriteItemsFunction;
import software.amazon.dynamodb.services.local.shared.access.client.LocalDynamoDbClient;

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
    private final Transactions transactions;

    private InProcessDynamoDb(
            ObjectMapper json,
            DynamoDBRequestHandler engine,
            Map<String, Dispatcher<Object>> dispatchers,
            Map<String, Class<?>> requestTypes,
            Transactions transactions) {
        this.json = json;
        this.engine = engine;
        this.dispatchers = dispatchers;
        this.requestTypes = requestTypes;
        this.transactions = transactions;
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
                    json,
                    engine,
                    Map.copyOf(dispatchers),
                    Map.copyOf(requestTypes),
                    new Transactions((LocalDynamoDBRequestHandler) engine));
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
            byte[] answer =
                    operation instanceof TransactWriteItemsRequest transaction
                            ? json.writeValueAsBytes(
                                    transactions.of(accessKey, region).apply(transaction))
                            : dispatcher.enact(accessKey, region, operation, engine);
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

    /**
     * DynamoDB Local builds a new transaction function for every TransactWriteItems, and with it a
     * new Jackson mapper whose empty caches it then fills again to size the items and to hash the
     * request for its idempotency token: about a third of a transaction's time. The function keeps
     * no state between calls (its parts are the database's own, the mapper is thread-safe), so one
     * is built per database and reused.
     */
    private static final class Transactions {
        private final LocalDynamoDBRequestHandler engine;
        private final Method credentials;
        private final Method database;
        private final Field access;
        private final Field input;
        private final Field output;
        private final Field environment;
        private final Field documents;
        private final Map<LocalDynamoDbClient, TransactWriteItemsFunction> functions =
                new ConcurrentHashMap<>();

        private Transactions(LocalDynamoDBRequestHandler engine)
                throws ReflectiveOperationException {
            this.engine = engine;
            this.credentials =
                    LocalDynamoDBRequestHandler.class.getDeclaredMethod(
                            "getCredentialsString", String.class, String.class);
            this.database =
                    LocalDynamoDBRequestHandler.class.getDeclaredMethod("getHandler", String.class);
            credentials.setAccessible(true);
            database.setAccessible(true);
            this.access = field(LocalDynamoDbClient.class, "dbAccess");
            this.input = field(LocalDynamoDbClient.class, "inputConverter");
            this.output = field(LocalDynamoDbClient.class, "localDBOutputConverter");
            this.environment = field(LocalDynamoDbClient.class, "localDBEnv");
            this.documents = field(LocalDynamoDbClient.class, "documentFactory");
        }

        /** The transaction function of the database these credentials reach. */
        TransactWriteItemsFunction of(String accessKey, String region) {
            try {
                AmazonDynamoDBLocal handler =
                        (AmazonDynamoDBLocal)
                                database.invoke(
                                        engine, credentials.invoke(engine, accessKey, region));
                return functions.computeIfAbsent(
                        (LocalDynamoDbClient) handler.dynamoDbClient(), this::build);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("DynamoDB Local's database is out of reach", e);
            }
        }

        private TransactWriteItemsFunction build(LocalDynamoDbClient client) {
            try {
                return new TransactWriteItemsFunction(
                        (LocalDBAccess) access.get(client),
                        (LocalDBInputConverter) input.get(client),
                        (LocalDBOutputConverter) output.get(client),
                        new AWSExceptionFactory(),
                        (DbEnv) environment.get(client),
                        (DocumentFactory) documents.get(client));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("DynamoDB Local's database is out of reach", e);
            }
        }
    }

    /** How many transaction functions this endpoint has built: one per database it has reached. */
    int transactionFunctionsBuilt() {
        return transactions.functions.size();
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
