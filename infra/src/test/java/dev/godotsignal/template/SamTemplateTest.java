package dev.godotsignal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.lobby.Limits;
import dev.godotsignal.store.Items;
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
        assertEquals(
                Optional.empty(),
                t.routes().get("ping").functionId(),
                "the keep-alive is a MOCK integration");
        assertEquals(
                "dev.godotsignal.handler.MessageHandler",
                t.functions().get("MessageFunction").handlerClass());
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
        assertEquals(
                "TimerFunction",
                t.queueSubscriptions().get(0).functionId(),
                "the timer queue feeds the timer function");
        assertEquals(512, t.functions().get("ConnectFunction").memoryMb());
        assertThrows(
                IllegalArgumentException.class,
                () -> SamTemplate.load(TestGateways.template(), Map.of("NoSuchParam", "1")));
    }

    @Test
    void tablesHaveTheKeysAndTtlOfTheStoresSchema() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        SamTemplate.TableSpec lobbies =
                t.tables().stream()
                        .filter(x -> x.logicalId().equals("LobbiesTable"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(
                List.of(
                        new SamTemplate.KeyElement(Items.LOBBY, "HASH"),
                        new SamTemplate.KeyElement(Items.PEER_ID, "RANGE")),
                lobbies.keys());
        SamTemplate.TableSpec connections =
                t.tables().stream()
                        .filter(x -> x.logicalId().equals("ConnectionsTable"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(
                List.of(new SamTemplate.KeyElement(Items.CONNECTION_ID, "HASH")),
                connections.keys());
        assertTrue(
                t.tables().stream()
                        .allMatch(x -> x.ttlAttribute().equals(Optional.of(Items.EXPIRES_AT))),
                "the store's TTL attribute on every table");
        // Discovery's two indexes, with the names and keys the store queries.
        assertEquals(
                List.of(
                        new SamTemplate.IndexSpec(
                                Items.LIST_INDEX,
                                List.of(
                                        new SamTemplate.KeyElement(Items.LIST_GAME, "HASH"),
                                        new SamTemplate.KeyElement(Items.LIST_ORDER, "RANGE")),
                                "ALL"),
                        new SamTemplate.IndexSpec(
                                Items.MATCH_INDEX,
                                List.of(
                                        new SamTemplate.KeyElement(Items.MATCH_POOL, "HASH"),
                                        new SamTemplate.KeyElement(Items.LIST_ORDER, "RANGE")),
                                "ALL")),
                lobbies.globalIndexes());
    }

    @Test
    void theLobbyListIsAnHttpApiRouteWithItsUrlAsAnOutput() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        assertEquals(
                List.of(
                        new SamTemplate.HttpRoute(
                                "GET", "/lobbies", "ListLobbiesFunction", List.of("*"))),
                t.httpRoutes());
        assertEquals(
                "dev.godotsignal.handler.ListLobbiesHandler",
                t.functions().get("ListLobbiesFunction").handlerClass());
        SamTemplate restricted =
                SamTemplate.load(
                        TestGateways.template(),
                        Map.of("AllowedOrigins", "https://a.example,https://b.example"));
        assertEquals(
                List.of("https://a.example", "https://b.example"),
                restricted.httpRoutes().get(0).allowOrigins());
        Object url = ((Map<?, ?>) t.outputs().get("LobbiesUrl")).get("Value");
        assertTrue(SamTemplate.referencedIds(url).contains("LobbiesApi"), String.valueOf(url));
    }

    @Test
    void integrationsAndPermissionsPointAtTheAliasNotLatest() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        t.resources()
                .forEach(
                        (id, resource) -> {
                            String type = t.type(id);
                            if (type.equals("AWS::ApiGatewayV2::Integration")
                                    && !"MOCK".equals(t.properties(id).get("IntegrationType"))) {
                                assertTrue(
                                        SamTemplate.referencedIds(
                                                        t.properties(id).get("IntegrationUri"))
                                                .stream()
                                                .anyMatch(ref -> ref.endsWith("Aliaslive")),
                                        id + " invokes the alias");
                            }
                            if (type.equals("AWS::Lambda::Permission")) {
                                assertTrue(
                                        SamTemplate.referencedIds(
                                                        t.properties(id).get("FunctionName"))
                                                .stream()
                                                .allMatch(ref -> ref.endsWith("Aliaslive")),
                                        id + " grants the alias");
                                assertTrue(
                                        SamTemplate.referencedIds(t.properties(id).get("SourceArn"))
                                                .contains("WebSocketApi"),
                                        id + " is scoped to the API");
                            }
                        });
    }

    @Test
    void everyLambdaRouteHasAPermissionForItsAliasScopedToTheApiAndRoute() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        t.routes()
                .forEach(
                        (key, route) ->
                                route.functionId()
                                        .ifPresent(
                                                function -> {
                                                    boolean permitted =
                                                            t.resources().keySet().stream()
                                                                    .filter(
                                                                            id ->
                                                                                    t.type(id)
                                                                                            .equals(
                                                                                                    "AWS::Lambda::Permission"))
                                                                    .anyMatch(
                                                                            id ->
                                                                                    SamTemplate
                                                                                                    .referencedIds(
                                                                                                            t.properties(
                                                                                                                            id)
                                                                                                                    .get(
                                                                                                                            "FunctionName"))
                                                                                                    .contains(
                                                                                                            function
                                                                                                                    + "Aliaslive")
                                                                                            && String
                                                                                                    .valueOf(
                                                                                                            t.properties(
                                                                                                                            id)
                                                                                                                    .get(
                                                                                                                            "SourceArn"))
                                                                                                    .contains(
                                                                                                            "/"
                                                                                                                    + key)
                                                                                            && SamTemplate
                                                                                                    .referencedIds(
                                                                                                            t.properties(
                                                                                                                            id)
                                                                                                                    .get(
                                                                                                                            "SourceArn"))
                                                                                                    .contains(
                                                                                                            "WebSocketApi"));
                                                    assertTrue(
                                                            permitted,
                                                            key
                                                                    + " -> "
                                                                    + function
                                                                    + ": a permission for the alias, scoped to the API and route");
                                                }));
    }

    @Test
    void theEnvironmentIsExactlyWhatTheCodeReads() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        java.util.Set<String> read = new java.util.TreeSet<>();
        for (java.lang.reflect.Field field :
                dev.godotsignal.handler.FunctionConfig.class.getFields()) {
            if (field.getType() == String.class
                    && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                read.add((String) field.get(null));
            }
        }
        // Set by Lambda or only locally: endpoint overrides, the configured management endpoint,
        // and unsigned calls (the local gateway's, answered in process).
        java.util.Set<String> notFromTheTemplate =
                java.util.Set.of(
                        "AWS_ENDPOINT_URL_DYNAMODB",
                        "AWS_ENDPOINT_URL_SQS",
                        "AWS_ENDPOINT_URL_SSM",
                        "MANAGEMENT_ENDPOINT",
                        "SIGN_AWS_REQUESTS");
        for (SamTemplate.FunctionSpec function : t.functions().values()) {
            java.util.Set<String> given = new java.util.TreeSet<>(function.environment().keySet());
            java.util.Set<String> expected = new java.util.TreeSet<>(read);
            expected.removeAll(notFromTheTemplate);
            assertEquals(
                    expected,
                    given,
                    function.logicalId()
                            + ": the template sets exactly the variables FunctionConfig reads");
        }
    }

    @Test
    void iamGrantsOnlyNamedActionsOnNamedResources() throws Exception {
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        for (String function : t.functions().keySet()) {
            Object policies = t.properties(function).get("Policies");
            String text = String.valueOf(t.resolve(policies));
            assertTrue(
                    !text.contains("Action=*")
                            && !text.contains("dynamodb:*")
                            && !text.contains("Resource=*"),
                    function + " grants no wildcard: " + text);
            assertTrue(
                    !text.contains("dynamodb:Scan") && !text.contains("BatchWrite"),
                    function + " cannot Scan: " + text);
            if (text.contains("ManageConnections")) {
                assertTrue(
                        text.contains(":local/prod/"),
                        function + ": ManageConnections only on this API and stage: " + text);
            }
        }
    }

    @Test
    void functionsRunJava21OnArm64WithSnapStartBehindAnAlias() throws Exception {
        var root =
                new org.yaml.snakeyaml.Yaml()
                        .<Map<String, Object>>load(
                                java.nio.file.Files.readString(TestGateways.template())
                                        .replaceAll("!(\\w+)", ""));
        @SuppressWarnings("unchecked")
        Map<String, Object> globals =
                (Map<String, Object>) ((Map<String, Object>) root.get("Globals")).get("Function");
        assertEquals("java21", globals.get("Runtime"));
        assertEquals(List.of("arm64"), globals.get("Architectures"));
        assertEquals("live", globals.get("AutoPublishAlias"));
        assertEquals(Map.of("ApplyOn", "PublishedVersions"), globals.get("SnapStart"));
        SamTemplate t = SamTemplate.load(TestGateways.template(), Map.of());
        String stage =
                t.resources().keySet().stream()
                        .filter(id -> t.type(id).equals("AWS::ApiGatewayV2::Stage"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(true, t.properties(stage).get("AutoDeploy"));
    }

    /**
     * Each limit's parameter declares exactly the range {@link Limits} accepts: no deployable value
     * is refused at run time.
     */
    @Test
    void parameterRangesAreWhatTheFunctionsAccept() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> parameters =
                (Map<String, Map<String, Object>>)
                        CfnYaml.load(TestGateways.template()).get("Parameters");
        Map<String, Limits.Range> ranges =
                Map.of(
                        "MaxPeersPerLobby", Limits.PEERS_PER_LOBBY,
                        "MaxLobbies", Limits.LOBBIES,
                        "MaxMessageBytes", Limits.MESSAGE_BYTES,
                        "SealCloseDelaySeconds", Limits.SEAL_CLOSE_DELAY_SECONDS,
                        "JoinDeadlineSeconds", Limits.JOIN_DEADLINE_SECONDS,
                        "LivenessCheckSeconds", Limits.LIVENESS_SECONDS,
                        "ResumeGraceSeconds", Limits.RESUME_GRACE_SECONDS,
                        "MessagesPerSecond", Limits.MESSAGES_PER_SECOND,
                        "MessageBurst", Limits.MESSAGE_BURST);
        ranges.forEach(
                (name, range) -> {
                    Map<String, Object> parameter = parameters.get(name);
                    assertEquals(
                            range.min(),
                            ((Number) parameter.get("MinValue")).longValue(),
                            name + " MinValue");
                    Object max = parameter.get("MaxValue");
                    assertEquals(
                            range.max(),
                            max == null ? Long.MAX_VALUE : ((Number) max).longValue(),
                            name + " MaxValue");
                    assertTrue(
                            range.contains(((Number) parameter.get("Default")).longValue()),
                            name + " Default");
                });
    }
}
