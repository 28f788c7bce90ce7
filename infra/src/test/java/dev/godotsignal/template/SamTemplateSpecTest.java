package dev.godotsignal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.godotsignal.testing.TestGateways;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sam-template.yaml} checked against AWS's own resource specification and IAM's action names
 * ({@link TemplateSpecCheck}), and broken copies of it to show the check catches what it claims to.
 * Needs the spec packages ({@code npm ci --prefix infra/spec}, which {@code .ci/run} runs); without
 * them the tests are skipped with that command as the reason.
 */
class SamTemplateSpecTest {
    static AwsResourceSpec spec;
    static IamActions iam;

    @TempDir Path temp;

    @BeforeAll
    static void loadSpecification() throws IOException {
        Path root = TestGateways.template().getParent();
        Path database = AwsResourceSpec.database(root);
        iam = new IamActions(AwsResourceSpec.nodeModules(root));
        boolean installed = Files.isRegularFile(database) && iam.installed();
        // CI (.ci/run, which sets CI=true) installs them: there, missing packages are a failure.
        assertTrue(
                installed || System.getenv("CI") == null,
                "CI must install the spec packages: " + AwsResourceSpec.INSTALL);
        assumeTrue(
                installed,
                "AWS's resource specification is not installed (infra/spec/node_modules): run `"
                        + AwsResourceSpec.INSTALL
                        + "` (needs npm)");
        spec = AwsResourceSpec.load(database);
    }

    static List<String> check(Path template) throws IOException {
        return TemplateSpecCheck.check(CfnYaml.load(template), spec, iam);
    }

    /** The template with {@code from} replaced by {@code to} (which must occur exactly once). */
    Path broken(String from, String to) throws IOException {
        String text = Files.readString(TestGateways.template());
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "exactly one '" + from + "'");
        Path copy = temp.resolve("broken-template.yaml");
        Files.writeString(copy, text.substring(0, at) + to + text.substring(at + from.length()));
        return copy;
    }

    @Test
    void theTemplateFitsAwsOwnSpecification() throws Exception {
        assertTrue(spec.resourceCount() > 1000, "the specification's resource types");
        assertEquals(List.of(), check(TestGateways.template()));
    }

    /**
     * Each broken copy differs from the real template in one place; the check must report exactly
     * that place, with the expected words.
     */
    @ParameterizedTest(name = "{3}")
    @MethodSource("brokenCopies")
    void aBrokenCopyIsCaught(String from, String to, String expected, String what)
            throws Exception {
        List<String> findings = check(broken(from, to));
        assertEquals(1, findings.size(), what + ": " + findings);
        assertTrue(findings.get(0).contains(expected), what + ": " + findings);
    }

    /**
     * SnapStart is one of the SAM properties the specification's SAM part lacks: it is checked as
     * the AWS::Lambda::Function property SAM passes it to. A fault in Globals is a fault of every
     * function.
     */
    @Test
    void aSamPropertyMissingFromTheSpecIsCheckedAsWhatSamPassesItTo() throws Exception {
        List<String> findings =
                check(broken("ApplyOn: PublishedVersions", "Apply: PublishedVersions"));
        SamTemplate t =
                SamTemplate.load(TestGateways.template(), Map.of("AuthSecretParameterName", "/x"));
        for (String function : t.functions().keySet()) {
            String at = "Resources." + function + ".Properties.SnapStart";
            assertTrue(
                    findings.contains(
                            at
                                    + ": missing required property 'ApplyOn' of AWS::Lambda::Function.SnapStart"),
                    function + ": " + findings);
            assertTrue(
                    findings.contains(
                            at
                                    + ".Apply: unknown property 'Apply' of"
                                    + " AWS::Lambda::Function.SnapStart (did you mean 'ApplyOn'?)"),
                    function + ": " + findings);
        }
        assertEquals(2 * t.functions().size(), findings.size(), String.valueOf(findings));
    }

    static Stream<Arguments> brokenCopies() {
        return Stream.of(
                Arguments.of(
                        "VisibilityTimeout: 60",
                        "VisibiltyTimeout: 60",
                        "Resources.TimerQueue.Properties.VisibiltyTimeout: unknown property"
                                + " 'VisibiltyTimeout' of AWS::SQS::Queue (did you mean"
                                + " 'VisibilityTimeout'?)",
                        "a misspelt property"),
                Arguments.of(
                        "ThrottlingBurstLimit: 500",
                        "ThrottleBurstLimit: 500",
                        "Resources.Stage.Properties.DefaultRouteSettings.ThrottleBurstLimit:"
                                + " unknown property",
                        "a misspelt property of a nested property type"),
                Arguments.of(
                        "MessageRetentionPeriod: 3600",
                        "MessageRetentionPeriod: an hour",
                        "Resources.TimerQueue.Properties.MessageRetentionPeriod: expects an"
                                + " integer, got 'an hour'",
                        "a wrong type (text for a number)"),
                Arguments.of(
                        "AutoDeploy: true",
                        "AutoDeploy: [true]",
                        "Resources.Stage.Properties.AutoDeploy: expects a boolean, got a list",
                        "a wrong type (a list for a boolean)"),
                Arguments.of(
                        "Handler: dev.godotsignal.handler.ConnectHandler::handleRequest",
                        "Handler: dev.godotsignal.handler.ConnectHandler::handleRequest\n"
                                + "      Layers: !Ref StageName",
                        "Resources.ConnectFunction.Properties.Layers: expects a list of a string,"
                                + " but !Ref yields a single value",
                        "a wrong type (an intrinsic yielding one value for a list)"),
                Arguments.of(
                        "BatchSize: 10",
                        "BatchSize: ten",
                        "Resources.TimerFunction.Properties.Events.Timers.Properties.BatchSize:"
                                + " expects a number",
                        "a wrong type in a SAM event"),
                Arguments.of(
                        "      RouteKey: ping\n",
                        "",
                        "Resources.PingRoute.Properties: missing required property 'RouteKey'",
                        "a missing required property"),
                Arguments.of(
                        "!Ref LobbiesApi",
                        "!Ref LobbyApi",
                        "!Ref LobbyApi names no resource, parameter or pseudo parameter",
                        "a dangling !Ref"),
                Arguments.of(
                        "${MessageFunctionAliaslive}",
                        "${MessageFunctionAliasLive}",
                        "!Ref MessageFunctionAliasLive names no resource, parameter or pseudo"
                                + " parameter (nor a resource SAM generates)",
                        "a dangling ${} in !Sub (the alias's logical id misspelt)"),
                Arguments.of(
                        "TimerDeadLetterQueue.QueueName",
                        "TimerDeadLetterQueue.Name",
                        "!GetAtt TimerDeadLetterQueue.Name: AWS::SQS::Queue has no attribute Name",
                        "a !GetAtt of an attribute that does not exist"),
                Arguments.of(
                        "Action: dynamodb:PutItem",
                        "Action: dynamodb:PutItems",
                        "'dynamodb:PutItems': dynamodb has no action PutItems",
                        "an IAM action that does not exist"),
                Arguments.of(
                        "Action: dynamodb:Query\n              Resource: !Sub ${LobbiesTable.Arn}/index/ListIndex",
                        "Action: dynamodb:query\n              Resource: !Sub ${LobbiesTable.Arn}/index/ListIndex",
                        "'dynamodb:query': AWS spells it dynamodb:Query",
                        "an IAM action spelt in the wrong case"),
                Arguments.of(
                        "Default: 32",
                        "Default: 1",
                        "Parameters.MaxPeersPerLobby.Default: 1 is below MinValue 2",
                        "a parameter default below its MinValue"),
                Arguments.of(
                        "Default: prod",
                        "Default: prod stage",
                        "Parameters.StageName.Default: 'prod stage' does not match AllowedPattern",
                        "a parameter default outside its AllowedPattern"),
                Arguments.of(
                        "Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout",
                        "Type: AWS::SQS::Queues\n    Properties:\n      VisibilityTimeout",
                        "Resources.TimerQueue.Type: 'AWS::SQS::Queues' is not a resource type",
                        "an unknown resource type"),
                Arguments.of(
                        "FunctionName: !Ref MessageFunctionAliaslive",
                        "FunctionName: !Ref MessageFunctionRole",
                        "Resources.MessagePermission.Properties.FunctionName: names"
                                + " MessageFunctionRole, a AWS::IAM::Role; AWS expects one of"
                                + " [AWS::Lambda::Alias, AWS::Lambda::Function,"
                                + " AWS::Lambda::Version]",
                        "a !Ref of the wrong kind of resource (the function's generated role)"),
                Arguments.of(
                        "ProtocolType: WEBSOCKET",
                        "ProtocolType: WEBSOCKET\n      RouteSelectionExpresion: x",
                        "did you mean 'RouteSelectionExpression'?",
                        "a second, misspelt property"));
    }
}
