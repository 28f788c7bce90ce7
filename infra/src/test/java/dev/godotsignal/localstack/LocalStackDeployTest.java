package dev.godotsignal.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godotsignal.gateway.GodotDemoClientReplayTest;
import dev.godotsignal.testing.DockerEngine;
import dev.godotsignal.testing.TestGateways;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole stack deployed into LocalStack (the paid image: API Gateway WebSocket APIs, Lambda,
 * CloudFormation with the SAM transform), then full Godot demo-client sessions, mesh and
 * client/server, against the WebSocket URL the stack outputs. Runs only with a Docker engine and
 * {@code LOCALSTACK_AUTH_TOKEN} set; skipped otherwise. Needs the Lambda artifact built first
 * ({@code mvn -B verify} builds {@code functions} before these tests).
 */
@ExtendWith(DockerEngine.class)
@Testcontainers
@EnabledIfEnvironmentVariable(
        named = "LOCALSTACK_AUTH_TOKEN",
        matches = ".+",
        disabledReason =
                "LOCALSTACK_AUTH_TOKEN is not set: deploying the template needs LocalStack's paid"
                        + " image (API Gateway WebSocket APIs)")
class LocalStackDeployTest {
    static final String STACK = "godot-signaling-test";
    static final String BUCKET = "godot-signaling-artifacts";

    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(
                            DockerImageName.parse("localstack/localstack-pro:4.14.0")
                                    .asCompatibleSubstituteFor("localstack/localstack"))
                    .withEnv(
                            "LOCALSTACK_AUTH_TOKEN",
                            System.getenv().getOrDefault("LOCALSTACK_AUTH_TOKEN", ""))
                    // Lambda functions run in containers of their own, started through the host's
                    // engine.
                    .withFileSystemBind("/var/run/docker.sock", "/var/run/docker.sock");

    @Test
    void theDeployedStackServesFullDemoClientSessions() throws Exception {
        var credentials =
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(
                                LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        Region region = Region.of(LOCALSTACK.getRegion());
        Path root = TestGateways.template().getParent();
        Path artifact = lambdaArtifact(root.resolve("functions/target"));
        try (S3Client s3 =
                        S3Client.builder()
                                .httpClient(UrlConnectionHttpClient.builder().build())
                                .endpointOverride(LOCALSTACK.getEndpoint())
                                .region(region)
                                .credentialsProvider(credentials)
                                .forcePathStyle(true)
                                .build();
                CloudFormationClient cloudFormation =
                        CloudFormationClient.builder()
                                .httpClient(UrlConnectionHttpClient.builder().build())
                                .endpointOverride(LOCALSTACK.getEndpoint())
                                .region(region)
                                .credentialsProvider(credentials)
                                .build()) {
            // What `sam deploy` does: the artifact to S3, every CodeUri pointing at it, then the
            // stack.
            s3.createBucket(b -> b.bucket(BUCKET));
            s3.putObject(
                    b -> b.bucket(BUCKET).key("functions.jar"), RequestBody.fromFile(artifact));
            String template =
                    Files.readString(root.resolve("sam-template.yaml"))
                            .replace("CodeUri: .", "CodeUri: s3://" + BUCKET + "/functions.jar");
            cloudFormation.createStack(
                    b ->
                            b.stackName(STACK)
                                    .templateBody(template)
                                    .capabilities(
                                            Capability.CAPABILITY_IAM,
                                            Capability.CAPABILITY_NAMED_IAM,
                                            Capability.CAPABILITY_AUTO_EXPAND)
                                    .parameters(
                                            Parameter.builder()
                                                    .parameterKey("SealCloseDelaySeconds")
                                                    .parameterValue("1")
                                                    .build()));
            try {
                Stack stack = awaitCreated(cloudFormation);
                URI url =
                        localUrl(
                                stack.outputs().stream()
                                        .filter(o -> o.outputKey().equals("WebSocketUrl"))
                                        .map(Output::outputValue)
                                        .findFirst()
                                        .orElseThrow());
                GodotDemoClientReplayTest.fullSession(url, true);
                GodotDemoClientReplayTest.fullSession(url, false);
            } finally {
                cloudFormation.deleteStack(b -> b.stackName(STACK));
            }
        }
    }

    static Path lambdaArtifact(Path target) throws Exception {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(
                            p ->
                                    p.getFileName().toString().matches("functions-.*\\.jar")
                                            && !p.getFileName().toString().startsWith("original-"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "build functions first: no jar in " + target));
        }
    }

    static Stack awaitCreated(CloudFormationClient cloudFormation) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Set<StackStatus> failed =
                Set.of(
                        StackStatus.CREATE_FAILED,
                        StackStatus.ROLLBACK_COMPLETE,
                        StackStatus.ROLLBACK_FAILED,
                        StackStatus.ROLLBACK_IN_PROGRESS);
        while (System.nanoTime() < deadline) {
            Stack stack = cloudFormation.describeStacks(b -> b.stackName(STACK)).stacks().get(0);
            if (stack.stackStatus() == StackStatus.CREATE_COMPLETE) {
                return stack;
            }
            if (failed.contains(stack.stackStatus())) {
                List<String> reasons =
                        cloudFormation
                                .describeStackEvents(b -> b.stackName(STACK))
                                .stackEvents()
                                .stream()
                                .filter(e -> e.resourceStatusReason() != null)
                                .map(e -> e.logicalResourceId() + ": " + e.resourceStatusReason())
                                .toList();
                throw new AssertionError("stack " + stack.stackStatus() + ": " + reasons);
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("stack not created within 10 minutes");
    }

    /**
     * The stack's wss://{api}.execute-api.{region}.amazonaws.com/{stage} as LocalStack serves it.
     */
    static URI localUrl(String output) {
        URI aws = URI.create(output);
        String apiId = aws.getHost().substring(0, aws.getHost().indexOf('.'));
        URI local =
                URI.create(
                        "ws://"
                                + apiId
                                + ".execute-api.localhost.localstack.cloud:"
                                + LOCALSTACK.getEndpoint().getPort()
                                + aws.getPath());
        assertEquals("ws", local.getScheme());
        return local;
    }
}
