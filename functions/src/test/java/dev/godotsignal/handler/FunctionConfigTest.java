package dev.godotsignal.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionConfigTest {

    @Test
    void readsLimitsAndTablesFromTheEnvironment() {
        FunctionConfig config =
                FunctionConfig.from(
                        Map.of(
                                "CONNECTIONS_TABLE",
                                "c",
                                "LOBBIES_TABLE",
                                "l",
                                "TIMER_QUEUE_URL",
                                "q",
                                "MAX_PEERS_PER_LOBBY",
                                "4",
                                "MAX_LOBBIES",
                                "9",
                                "MAX_MESSAGE_BYTES",
                                "2048",
                                "SEAL_CLOSE_DELAY_SECONDS",
                                "3",
                                "AWS_REGION",
                                "eu-west-1"));
        assertEquals(4, config.limits().maxPeersPerLobby());
        assertEquals(9, config.limits().maxLobbies());
        assertEquals(2048, config.limits().maxMessageBytes());
        assertEquals(Duration.ofSeconds(3), config.limits().sealCloseDelay());
        assertEquals("c", config.tables().connections());
    }

    @Test
    void theManagementEndpointComesFromApiIdRegionAndStageNotTheDomainName() {
        FunctionConfig config =
                FunctionConfig.from(
                        Map.of(
                                "CONNECTIONS_TABLE",
                                "c",
                                "LOBBIES_TABLE",
                                "l",
                                "TIMER_QUEUE_URL",
                                "q",
                                "AWS_REGION",
                                "eu-west-1"));
        assertEquals(
                URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/prod"),
                config.managementEndpoint("abc123", "prod"));
        FunctionConfig configured =
                FunctionConfig.from(
                        Map.of(
                                "CONNECTIONS_TABLE",
                                "c",
                                "LOBBIES_TABLE",
                                "l",
                                "TIMER_QUEUE_URL",
                                "q",
                                "MANAGEMENT_ENDPOINT",
                                "http://127.0.0.1:9080/prod"));
        assertEquals(
                URI.create("http://127.0.0.1:9080/prod"),
                configured.managementEndpoint("abc123", "prod"));
    }

    @Test
    void missingTablesOrBadNumbersFailAtStartWithTheVariableName() {
        assertEquals(
                "environment variable LOBBIES_TABLE is not set",
                assertThrows(
                                IllegalStateException.class,
                                () -> FunctionConfig.from(Map.of("CONNECTIONS_TABLE", "c")))
                        .getMessage());
        assertThrows(
                IllegalStateException.class,
                () ->
                        FunctionConfig.from(
                                Map.of(
                                        "CONNECTIONS_TABLE",
                                        "c",
                                        "LOBBIES_TABLE",
                                        "l",
                                        "TIMER_QUEUE_URL",
                                        "q",
                                        "MAX_LOBBIES",
                                        "lots")));
    }
}
