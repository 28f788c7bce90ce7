package dev.godotsignal.localdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.godotsignal.inprocess.InProcessHttpService;
import dev.godotsignal.inprocess.InProcessNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The in-process endpoint answers as DynamoDB Local's HTTP server does, transactions included,
 * which it runs through one reused transaction function instead of DynamoDB Local's new one per
 * call.
 */
class InProcessDynamoDbTest {
    private static final String TABLE = "InProcessTest";

    private static DynamoDbLocal db;
    private static InProcessDynamoDb endpoint;
    private static InProcessNetwork.Registration registration;
    private static DynamoDbClient inProcess;
    private static DynamoDbClient overHttp;

    @BeforeAll
    static void start() {
        db = DynamoDbLocal.start(Optional.empty());
        db.client()
                .createTable(
                        b ->
                                b.tableName(TABLE)
                                        .billingMode(BillingMode.PAY_PER_REQUEST)
                                        .attributeDefinitions(
                                                AttributeDefinition.builder()
                                                        .attributeName("pk")
                                                        .attributeType(ScalarAttributeType.S)
                                                        .build())
                                        .keySchema(
                                                KeySchemaElement.builder()
                                                        .attributeName("pk")
                                                        .keyType(KeyType.HASH)
                                                        .build()));
        overHttp = db.client();
        endpoint = db.inProcess();
        registration = InProcessNetwork.register(db.endpoint(), endpoint);
        inProcess =
                db.clientBuilder()
                        .httpClient(new InProcessHttpService().createHttpClientBuilder().build())
                        .build();
    }

    @AfterAll
    static void stop() {
        inProcess.close();
        registration.close();
        db.close();
    }

    @Test
    void aTransactionCommitsInProcessAndTheHttpServerSeesIt() {
        int before = endpoint.transactionFunctionsBuilt();
        long callsBefore = registration.calls();
        inProcess.transactWriteItems(
                b -> b.transactItems(put("commit-a", 1, false), put("commit-b", 2, false)));
        assertEquals(
                "1",
                overHttp.getItem(b -> b.tableName(TABLE).key(key("commit-a"))).item().get("n").n());
        assertEquals(
                "2",
                overHttp.getItem(b -> b.tableName(TABLE).key(key("commit-b"))).item().get("n").n());
        assertEquals(callsBefore + 1, registration.calls(), "the transaction went in process");
        assertEquals(Math.max(before, 1), endpoint.transactionFunctionsBuilt());
    }

    @Test
    void aCancelledTransactionGivesTheSameReasonsAsTheHttpServer() {
        inProcess.putItem(b -> b.tableName(TABLE).item(item("taken", 7)));
        List<CancellationReason> local = cancellationOf(inProcess);
        List<CancellationReason> remote = cancellationOf(overHttp);
        assertEquals(remote, local);
        assertEquals("ConditionalCheckFailed", local.get(1).code());
        assertEquals("7", local.get(1).item().get("n").n(), "the old item comes back");
        assertEquals("None", local.get(0).code());
        assertEquals(
                Map.of(),
                overHttp.getItem(b -> b.tableName(TABLE).key(key("untaken"))).item(),
                "nothing of a cancelled transaction is written");
    }

    @Test
    void anInvalidTransactionIsRefusedAsTheHttpServerRefusesIt() {
        DynamoDbException local = invalidTransactionOn(inProcess);
        DynamoDbException remote = invalidTransactionOn(overHttp);
        assertEquals(remote.statusCode(), local.statusCode());
        assertEquals(remote.awsErrorDetails().errorCode(), local.awsErrorDetails().errorCode());
        assertEquals(
                remote.awsErrorDetails().errorMessage(), local.awsErrorDetails().errorMessage());
    }

    private static DynamoDbException invalidTransactionOn(DynamoDbClient client) {
        // Two writes to one item: DynamoDB refuses the request before running it.
        return assertThrows(
                DynamoDbException.class,
                () ->
                        client.transactWriteItems(
                                b -> b.transactItems(add("twice", 1), add("twice", 2))));
    }

    @Test
    void theIdempotencyTokenStillGuardsARepeatedTransaction() {
        TransactWriteItemsRequest first =
                TransactWriteItemsRequest.builder()
                        .clientRequestToken("token-1")
                        .transactItems(add("counted", 1))
                        .build();
        inProcess.transactWriteItems(first);
        inProcess.transactWriteItems(first); // the same request again: not applied twice
        assertEquals(
                "1",
                overHttp.getItem(b -> b.tableName(TABLE).key(key("counted"))).item().get("n").n());
        assertThrows(
                IdempotentParameterMismatchException.class,
                () ->
                        inProcess.transactWriteItems(
                                first.toBuilder().transactItems(add("counted", 5)).build()));
    }

    @Test
    void concurrentTransactionsThroughTheOneFunctionAllApply() throws Exception {
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                runs.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < each; i++) {
                                        inProcess.transactWriteItems(
                                                b ->
                                                        b.transactItems(
                                                                add("shared", 1),
                                                                add("own-" + thread, 1)));
                                    }
                                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(
                Integer.toString(threads * each),
                overHttp.getItem(b -> b.tableName(TABLE).key(key("shared"))).item().get("n").n());
        for (int t = 0; t < threads; t++) {
            String own = "own-" + t;
            assertEquals(
                    Integer.toString(each),
                    overHttp.getItem(b -> b.tableName(TABLE).key(key(own))).item().get("n").n());
        }
        assertEquals(1, endpoint.transactionFunctionsBuilt(), "one function for the one database");
    }

    private static List<CancellationReason> cancellationOf(DynamoDbClient client) {
        TransactionCanceledException cancelled =
                assertThrows(
                        TransactionCanceledException.class,
                        () ->
                                client.transactWriteItems(
                                        b ->
                                                b.transactItems(
                                                        put("untaken", 1, true),
                                                        put("taken", 2, true))));
        return cancelled.cancellationReasons();
    }

    private static TransactWriteItem put(String pk, int n, boolean onlyNew) {
        return TransactWriteItem.builder()
                .put(
                        p -> {
                            p.tableName(TABLE).item(item(pk, n));
                            if (onlyNew) {
                                p.conditionExpression("attribute_not_exists(pk)")
                                        .returnValuesOnConditionCheckFailure(
                                                ReturnValuesOnConditionCheckFailure.ALL_OLD);
                            }
                        })
                .build();
    }

    private static TransactWriteItem add(String pk, int n) {
        return TransactWriteItem.builder()
                .update(
                        u ->
                                u.tableName(TABLE)
                                        .key(key(pk))
                                        .updateExpression("ADD n :n")
                                        .expressionAttributeValues(
                                                Map.of(
                                                        ":n",
                                                        AttributeValue.fromN(Integer.toString(n)))))
                .build();
    }

    private static Map<String, AttributeValue> item(String pk, int n) {
        return Map.of(
                "pk", AttributeValue.fromS(pk), "n", AttributeValue.fromN(Integer.toString(n)));
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk));
    }
}
