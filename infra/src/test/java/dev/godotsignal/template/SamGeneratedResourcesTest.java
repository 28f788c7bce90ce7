package dev.godotsignal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.testing.TestGateways;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The logical ids this template takes from SAM ({@code <Function>Alias<alias>}), derived by SAM's
 * documented rule rather than written down, and the permissions that let API Gateway invoke them:
 * docs/DEPLOY.md ("What SAM generates") quotes the rules.
 */
class SamGeneratedResourcesTest {

    static Map<String, Object> raw() throws Exception {
        return CfnYaml.load(TestGateways.template());
    }

    /**
     * "LogicalId: {@code <function‑LogicalId>Alias<alias‑name>} ... {@code <alias‑name>} is the
     * string that AutoPublishAlias is set to" (SAM, "Generated CloudFormation resources").
     */
    static String aliasId(String function, String alias) {
        return function + "Alias" + alias;
    }

    @Test
    void everyIdTheTemplateTakesFromSamIsOneSamGeneratesByRule() throws Exception {
        SamTemplate t =
                SamTemplate.load(TestGateways.template(), Map.of("AuthSecretParameterName", "/t"));
        Map<String, String> generated = TemplateSpecCheck.samGeneratedIds(raw());
        Set<String> taken = new LinkedHashSet<>();
        for (Map<String, Object> resource : t.resources().values()) {
            for (String id : SamTemplate.referencedIds(resource.get("Properties"))) {
                if (!t.resources().containsKey(id)
                        && !t.parameters().containsKey(id)
                        && !id.startsWith("AWS::")) {
                    taken.add(id);
                }
            }
        }
        assertEquals(
                Set.of(
                        "ConnectFunctionAliaslive",
                        "DisconnectFunctionAliaslive",
                        "MessageFunctionAliaslive",
                        "AuthorizerFunctionAliaslive"),
                taken,
                "the SAM-generated ids the template names");
        for (String id : taken) {
            assertEquals(
                    "AWS::Lambda::Alias", generated.get(id), id + " is an alias SAM generates");
        }
        Map<?, ?> globals = (Map<?, ?>) ((Map<?, ?>) raw().get("Globals")).get("Function");
        String alias = String.valueOf(globals.get("AutoPublishAlias"));
        assertTrue(alias.matches("[A-Za-z0-9]+"), "a LogicalId is alphanumeric: " + alias);
        for (String function : t.functions().keySet()) {
            assertTrue(
                    generated.containsKey(aliasId(function, alias)),
                    function + " gets " + aliasId(function, alias));
        }
    }

    /**
     * Each route's integration invokes the alias of the function it names, and a permission lets
     * API Gateway invoke that alias from exactly that API, stage and route: for a WebSocket API the
     * caller's ARN is {@code arn:aws:execute-api:region:account-id:api-id/stage-name/route-key}.
     * The authorizer's is {@code api-id/authorizers/authorizer-id}.
     */
    @Test
    void eachPermissionsSourceArnIsWhatApiGatewayCallsWith() throws Exception {
        SamTemplate t =
                SamTemplate.load(TestGateways.template(), Map.of("AuthSecretParameterName", "/t"));
        String prefix =
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/";
        int routes = 0;
        for (SamTemplate.Route route : t.routes().values()) {
            if (route.functionId().isEmpty()) {
                continue; // MOCK
            }
            String alias = aliasId(route.functionId().get(), "live");
            List<String> permissions =
                    t.resources().keySet().stream()
                            .filter(id -> t.type(id).equals("AWS::Lambda::Permission"))
                            .filter(
                                    id ->
                                            Map.of("Ref", alias)
                                                    .equals(t.properties(id).get("FunctionName")))
                            .toList();
            assertEquals(1, permissions.size(), alias + ": one permission");
            Map<String, Object> permission = t.properties(permissions.get(0));
            assertEquals("lambda:InvokeFunction", permission.get("Action"));
            assertEquals("apigateway.amazonaws.com", permission.get("Principal"));
            assertEquals(
                    Map.of("Fn::Sub", prefix + "${StageName}/" + route.routeKey()),
                    permission.get("SourceArn"),
                    route.routeKey());
            routes++;
        }
        assertEquals(3, routes, "$connect, $disconnect, $default");
        assertEquals(
                Map.of("Fn::Sub", prefix + "authorizers/${Authorizer}"),
                t.properties("AuthorizerPermission").get("SourceArn"));
        assertEquals(
                Map.of("Ref", aliasId("AuthorizerFunction", "live")),
                t.properties("AuthorizerPermission").get("FunctionName"));
    }
}
