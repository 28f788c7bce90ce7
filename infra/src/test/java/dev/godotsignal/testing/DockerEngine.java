package dev.godotsignal.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs a Testcontainers test class only where a Docker engine answers, and otherwise skips it with
 * a reason that says what is missing and the command to run it where Docker is (Testcontainers' own
 * {@code disabledWithoutDocker} says only that Docker is not available).
 */
public final class DockerEngine implements ExecutionCondition {
    /** What a user with Docker runs (README, "Tests"). */
    public static final String COMMAND =
            "mvn -B -pl infra -am test -Dtest='LocalStack*Test' -Dsurefire.failIfNoSpecifiedTests=false";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        return ConditionEvaluationResult.disabled(
                "no Docker engine: Testcontainers found none to start LocalStack in (the `docker`"
                        + " command alone is only a client; start dockerd or set DOCKER_HOST)."
                        + " Where Docker runs: "
                        + COMMAND);
    }
}
