package dev.godotsignal.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.lobby.Connection;
import dev.godotsignal.lobby.JoinOutcome;
import dev.godotsignal.lobby.JoinRefusal;
import dev.godotsignal.lobby.LeaveOutcome;
import dev.godotsignal.lobby.Limits;
import dev.godotsignal.lobby.LobbyMode;
import dev.godotsignal.lobby.LobbyNames;
import dev.godotsignal.lobby.PeerIds;
import dev.godotsignal.localdb.DynamoDbLocal;
import dev.godotsignal.relay.OrderingGate;
import dev.godotsignal.relay.RelayIntent;
import dev.godotsignal.signaling.SignalingStore;
import dev.godotsignal.store.DynamoDbSignalingStore;
import dev.godotsignal.store.DynamoDbSignalingStoreTest;
import dev.godotsignal.store.TableNames;
import dev.godotsignal.template.SamTemplate;
import dev.godotsignal.testing.DockerEngine;
import dev.godotsignal.testing.TestGateways;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The store against LocalStack's DynamoDB, pinned to the last community image (4.14.0). Needs a
 * Docker engine: without one, JUnit reports these tests as skipped, with what is missing
 * (DockerEngine).
 */
@ExtendWith(DockerEngine.class)
@Testcontainers
class LocalStackStoreTest {
    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.14.0"))
                    .withServices("dynamodb");

    static SignalingStore store;

    @BeforeAll
    static void tables() throws Exception {
        DynamoDbClient client =
                DynamoDbClient.builder()
                        .httpClient(UrlConnectionHttpClient.builder().build())
                        .endpointOverride(LOCALSTACK.getEndpoint())
                        .region(Region.of(LOCALSTACK.getRegion()))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(
                                                LOCALSTACK.getAccessKey(),
                                                LOCALSTACK.getSecretKey())))
                        .build();
        DynamoDbLocal.createTables(
                client, SamTemplate.load(TestGateways.template(), Map.of()).tables());
        store =
                new DynamoDbSignalingStore(
                        client, new TableNames("ConnectionsTable", "LobbiesTable"));
    }

    /** A connection of the default game that has just arrived. */
    void connect(String connectionId, boolean extensions, Instant now) {
        store.putConnection(
                Connection.arriving(
                        connectionId,
                        extensions,
                        "default",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()),
                Limits.defaults().rateWindow(now),
                now);
    }

    @Test
    void createJoinSealAndLeave() {
        Instant now = Instant.now();
        connect("host", false, now);
        connect("guest", true, now);
        connect("late", false, now);
        Connection host = store.connection("host", now).orElseThrow();
        JoinOutcome.Joined created =
                (JoinOutcome.Joined)
                        store.createLobby(
                                host,
                                LobbyMode.MESH,
                                DynamoDbSignalingStoreTest.CAP,
                                new LobbyNames(new SecureRandom())::next,
                                10,
                                now);
        JoinOutcome.Joined joined =
                (JoinOutcome.Joined)
                        DynamoDbSignalingStoreTest.join(
                                store,
                                store.connection("guest", now).orElseThrow(),
                                created.lobby(),
                                new PeerIds(new SecureRandom())::nextGuest,
                                now);
        assertEquals(1, joined.earlier().size());
        assertTrue(store.seal(created.lobby(), now).isPresent(), "sealed");
        assertEquals(
                new JoinOutcome.Refused(JoinRefusal.LOBBY_SEALED),
                DynamoDbSignalingStoreTest.join(
                        store,
                        store.connection("late", now).orElseThrow(),
                        created.lobby(),
                        new PeerIds(new SecureRandom())::nextGuest,
                        now));
        assertInstanceOf(LeaveOutcome.Left.class, store.removeConnection("host", now));
    }

    @Test
    void theOrderingGateRidesOnTheAdmissionWrite() {
        Instant now = Instant.now();
        connect("sender", false, now);
        assertEquals(
                new OrderingGate.Closed(),
                DynamoDbSignalingStoreTest.admit(
                        store, "sender", new RelayIntent.Candidate(2), true, now));
        assertTrue(store.holdCandidate("sender", 2, "early"));
        long generation =
                ((OrderingGate.Opened)
                                DynamoDbSignalingStoreTest.admit(
                                        store, "sender", new RelayIntent.Description(2), true, now))
                        .generation();
        assertEquals(
                List.of("early"),
                store.descriptionDelivered(
                        "sender", DynamoDbSignalingStoreTest.NO_LOBBY, 2, generation));
        assertEquals(
                new OrderingGate.Clear(),
                DynamoDbSignalingStoreTest.admit(
                        store, "sender", new RelayIntent.Candidate(2), false, now));
    }
}
