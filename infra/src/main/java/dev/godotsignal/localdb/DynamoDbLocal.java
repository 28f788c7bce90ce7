package dev.godotsignal.localdb;

import dev.godotsignal.inprocess.InProcessNetwork;
import dev.godotsignal.template.SamTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local, in this process, behind its HTTP endpoint, so code reaches it through the real
 * SDK client exactly as it reaches DynamoDB; the local gateway's functions may also reach it past
 * the socket ({@link #serveInProcess()}). In memory by default; with a directory, persistent.
 */
public final class DynamoDbLocal implements AutoCloseable {
    /** DynamoDB Local accepts any credentials; these only have to be well-formed. */
    public static final String ACCESS_KEY = "local";

    public static final String SECRET_KEY = "local";

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final DynamoDbClient client;

    private DynamoDbLocal(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.client = clientBuilder().build();
    }

    /** A builder of clients for this server, as {@link #client()} is built; add what you need. */
    public DynamoDbClientBuilder clientBuilder() {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().build())
                .region(Region.of(SamTemplate.REGION))
                .credentialsProvider(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(endpoint);
    }

    /**
     * Held while a server starts and while its operation tables are copied: DynamoDB Local fills
     * JVM-wide tables of operations as each server starts, so a copy taken while another server of
     * the same JVM starts can miss operations (seen as UnknownOperationException when gateways
     * start side by side).
     */
    private static final Object STARTING = new Object();

    /** Starts on a free loopback port; {@code dataDir} empty means in memory. */
    public static DynamoDbLocal start(Optional<Path> dataDir) {
        int port = freePort();
        List<String> args =
                new ArrayList<>(
                        List.of("-port", Integer.toString(port), "-sharedDb", "-disableTelemetry"));
        if (dataDir.isPresent()) {
            try {
                Files.createDirectories(dataDir.get());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            args.addAll(List.of("-dbPath", dataDir.get().toAbsolutePath().toString()));
        } else {
            args.add("-inMemory");
        }
        // DynamoDB Local prints a configuration banner on stdout; the gateway prints its own
        // summary.
        synchronized (STARTING) {
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                DynamoDBProxyServer server =
                        ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
                server.start();
                return new DynamoDbLocal(server, URI.create("http://127.0.0.1:" + port));
            } catch (Exception e) {
                throw new IllegalStateException(
                        "DynamoDB Local did not start: " + e.getMessage(), e);
            } finally {
                System.setOut(stdout);
            }
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * Answers SDK calls for {@link #endpoint()} in this JVM, past the HTTP server (which keeps
     * serving everything else); closing the registration ends that.
     */
    public InProcessNetwork.Registration serveInProcess() {
        return InProcessNetwork.register(endpoint, inProcess());
    }

    /** A new in-process endpoint onto this server's database. */
    InProcessDynamoDb inProcess() {
        synchronized (STARTING) {
            return InProcessDynamoDb.of(server);
        }
    }

    public DynamoDbClient client() {
        return client;
    }

    /**
     * Creates the template's tables (keys, indexes, TTL); tables that exist already (persistent
     * data) are kept.
     */
    public void createTables(List<SamTemplate.TableSpec> tables) {
        createTables(client, tables);
    }

    /** The same for any DynamoDB endpoint (LocalStack in its tests). */
    public static void createTables(DynamoDbClient client, List<SamTemplate.TableSpec> tables) {
        for (SamTemplate.TableSpec table : tables) {
            try {
                client.createTable(
                        b ->
                                b.tableName(table.tableName())
                                        .billingMode(BillingMode.PAY_PER_REQUEST)
                                        .keySchema(keys(table.keys()))
                                        .attributeDefinitions(
                                                table.attributeTypes().entrySet().stream()
                                                        .map(
                                                                e ->
                                                                        AttributeDefinition
                                                                                .builder()
                                                                                .attributeName(
                                                                                        e.getKey())
                                                                                .attributeType(
                                                                                        e
                                                                                                .getValue())
                                                                                .build())
                                                        .toList())
                                        .globalSecondaryIndexes(
                                                table.globalIndexes().isEmpty()
                                                        ? null
                                                        : table.globalIndexes().stream()
                                                                .map(
                                                                        i ->
                                                                                GlobalSecondaryIndex
                                                                                        .builder()
                                                                                        .indexName(
                                                                                                i
                                                                                                        .name())
                                                                                        .keySchema(
                                                                                                keys(
                                                                                                        i
                                                                                                                .keys()))
                                                                                        .projection(
                                                                                                Projection
                                                                                                        .builder()
                                                                                                        .projectionType(
                                                                                                                i
                                                                                                                        .projectionType())
                                                                                                        .build())
                                                                                        .build())
                                                                .toList()));
            } catch (ResourceInUseException e) {
                continue;
            }
            table.ttlAttribute()
                    .ifPresent(
                            attribute ->
                                    client.updateTimeToLive(
                                            b ->
                                                    b.tableName(table.tableName())
                                                            .timeToLiveSpecification(
                                                                    t ->
                                                                            t.attributeName(
                                                                                            attribute)
                                                                                    .enabled(
                                                                                            true))));
        }
    }

    private static List<KeySchemaElement> keys(List<SamTemplate.KeyElement> keys) {
        return keys.stream()
                .map(
                        k ->
                                KeySchemaElement.builder()
                                        .attributeName(k.attribute())
                                        .keyType(k.keyType())
                                        .build())
                .toList();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }
}
