package dev.godotsignal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.testing.TestGateways;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the local gateway reads from the real template, and a first check of its wiring. */
class SamTemplateTest {

    @Test
    void routesLeadToTheHandlerClasses() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        assertEquals("$request.body.action", t.routeSelectionExpression());
        assertEquals("prod", t.stageName());
        assertEquals(Optional.of("ConnectFunction"), t.routes().get("$connect").functionId());
        assertEquals(Optional.of("DisconnectFunction"), t.routes().get("$disconnect").functionId());
        assertEquals(Optional.of("MessageFunction"), t.routes().get("$default").functionId());
        assertEquals(Optional.empty(), t.routes().get("ping").functionId(), "the keep-alive is a MOCK integration");
        assertEquals("dev.godotsignal.handler.MessageHandler", t.functions().get("MessageFunction").handlerClass());
        Class.forName(t.functions().get("ConnectFunction").handlerClass());
    }

    @Test
    void functionsGetTheGlobalsAndTheParametersOrTheirOverrides() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of("MaxPeersPerLobby", "6"));
        Map<String, String> env = t.functions().get("MessageFunction").environment();
        assertEquals("ConnectionsTable", env.get("CONNECTIONS_TABLE"));
        assertEquals("LobbiesTable", env.get("LOBBIES_TABLE"));
        assertEquals("6", env.get("MAX_PEERS_PER_LOBBY"));
        assertEquals("1024", env.get("MAX_LOBBIES"));
        assertEquals(15, t.functions().get("MessageFunction").timeoutSeconds());
        assertEquals("TimerFunction", t.queueSubscriptions().get(0).functionId(), "the timer queue feeds the timer function");
        assertEquals(512, t.functions().get("ConnectFunction").memoryMb());
        assertThrows(IllegalArgumentException.class, () -> SamTemplate.load(TestGateways.template(), Map.of("NoSuchParam", "1")));
    }

    @Test
    void tablesHaveTheirKeysAndTtl() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        SamTemplate.TableSpec lobbies = t.tables().stream().filter(x -> x.logicalId().equals("LobbiesTable")).findFirst().orElseThrow();
        assertEquals(List.of(new SamTemplate.KeyElement("lobby", "HASH"), new SamTemplate.KeyElement("peerId", "RANGE")), lobbies.keys());
        assertEquals(Optional.of("expiresAt"), lobbies.ttlAttribute());
        assertTrue(t.tables().stream().allMatch(x -> x.ttlAttribute().isPresent()), "TTL on every table");
    }

    @Test
    void integrationsAndPermissionsPointAtTheAliasNotLatest() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        t.resources().forEach((id, resource) -> {
            String type = t.type(id);
            if (type.equals("AWS::ApiGatewayV2::Integration") && !"MOCK".equals(t.properties(id).get("IntegrationType"))) {
                assertTrue(SamTemplate.referencedIds(t.properties(id).get("IntegrationUri")).stream()
                        .anyMatch(ref -> ref.endsWith("Aliaslive")), id + " invokes the alias");
            }
            if (type.equals("AWS::Lambda::Permission")) {
                assertTrue(SamTemplate.referencedIds(t.properties(id).get("FunctionName")).stream()
                        .allMatch(ref -> ref.endsWith("Aliaslive")), id + " grants the alias");
                assertTrue(SamTemplate.referencedIds(t.properties(id).get("SourceArn")).contains("WebSocketApi"),
                        id + " is scoped to the API");
            }
        });
    }
}
