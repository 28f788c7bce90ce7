package dev.godotsignal.handler;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.template.FunctionPolicies;
import dev.godotsignal.template.SamTemplate;
import dev.godotsignal.testing.RecordingAws;
import dev.godotsignal.testing.TestGateways;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SnapStart runs each function's priming when a version is published, with the function's own role,
 * and a hook that throws fails the publish. IAM is not enforced locally, so this runs each
 * function's priming against a stand-in AWS ({@link RecordingAws}) that records every call and
 * compares it with the function's {@code Policies} in {@code sam-template.yaml}; then against one
 * that refuses everything, which priming must survive (logged, skipped, never thrown).
 */
class PrimingPermissionsTest {
    static RecordingAws aws;
    static SamTemplate template;

    @BeforeAll
    static void start() throws Exception {
        aws = new RecordingAws();
        template = SamTemplate.load(TestGateways.template(), Map.of());
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    /** The functions whose handler primes (registers the SnapStart hook). */
    static List<SamTemplate.FunctionSpec> priming() throws ClassNotFoundException {
        List<SamTemplate.FunctionSpec> out = new ArrayList<>();
        for (SamTemplate.FunctionSpec function : template.functions().values()) {
            if (Primeable.class.isAssignableFrom(Class.forName(function.handlerClass()))) {
                out.add(function);
            }
        }
        return out;
    }

    static Primeable handler(SamTemplate.FunctionSpec function) throws Exception {
        Map<String, String> env = new HashMap<>(function.environment());
        String endpoint = aws.endpoint().toString();
        env.put(FunctionConfig.DYNAMODB_ENDPOINT, endpoint);
        env.put(FunctionConfig.SQS_ENDPOINT, endpoint);
        env.put(FunctionConfig.SSM_ENDPOINT, endpoint);
        env.put(FunctionConfig.MANAGEMENT_ENDPOINT, endpoint + "/prod");
        env.put("AWS_REGION", SamTemplate.REGION);
        env.put("AWS_ACCESS_KEY_ID", function.logicalId());
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put(FunctionConfig.EMIT_METRICS, "false");
        return Class.forName(function.handlerClass())
                .asSubclass(Primeable.class)
                .getConstructor(Map.class)
                .newInstance(env);
    }

    @Test
    void everyFunctionThatPrimesHasAPlanForItsHandler() throws Exception {
        Set<String> primed = new TreeSet<>();
        for (SamTemplate.FunctionSpec function : priming()) {
            primed.add(PrimingPlan.of(Class.forName(function.handlerClass())).name());
        }
        assertEquals(
                Set.of("CONNECT", "DISCONNECT", "MESSAGE", "TIMER"),
                primed,
                "the template's priming functions");
    }

    /**
     * Each function's priming plan names only actions its template policy grants on the connections
     * table, and the calls priming really makes are exactly those: no call its role would refuse
     * when Lambda publishes a version.
     */
    @Test
    void eachFunctionPrimesOnlyCallsItsRoleAllows() throws Exception {
        String connections = FunctionPolicies.tableArn("ConnectionsTable", null);
        for (SamTemplate.FunctionSpec function : priming()) {
            String id = function.logicalId();
            List<FunctionPolicies.Grant> grants = FunctionPolicies.of(template, id);
            PrimingPlan plan = PrimingPlan.of(Class.forName(function.handlerClass()));
            for (String action : plan.iamActions()) {
                assertTrue(
                        FunctionPolicies.allows(grants, action, connections),
                        id + " primes " + action + " but its role does not allow it: " + grants);
            }
            Primeable handler = handler(function);
            aws.authorize((action, resource) -> FunctionPolicies.allows(grants, action, resource));
            aws.clear();
            handler.prime();
            List<RecordingAws.Call> calls = aws.calls();
            assertFalse(calls.isEmpty(), id + ": priming makes a real round trip");
            for (RecordingAws.Call call : calls) {
                assertTrue(
                        FunctionPolicies.allows(grants, call.action(), call.resource()),
                        id + ": priming called " + call + ", which its role does not allow");
                assertTrue(
                        plan.iamActions().contains(call.action())
                                && call.resource().equals(connections),
                        id + ": priming called " + call + ", which its plan does not declare");
            }
        }
    }

    /**
     * The check catches what motivated it: with the role $connect had before resuming needed more
     * (PutItem on connections, SendMessage on the timer queue), priming's old GetItem is refused.
     * $connect now primes the PutItem it makes on every connection, refused by its condition.
     */
    @Test
    void aPrimingCallTheRoleRefusesIsCaught() throws Exception {
        String connections = FunctionPolicies.tableArn("ConnectionsTable", null);
        List<FunctionPolicies.Grant> before =
                List.of(new FunctionPolicies.Grant("dynamodb:PutItem", connections));
        aws.authorize((action, resource) -> FunctionPolicies.allows(before, action, resource));
        aws.clear();
        handler(template.functions().get("DisconnectFunction")).prime(); // primes a GetItem
        assertTrue(
                aws.calls().stream()
                        .anyMatch(c -> !FunctionPolicies.allows(before, c.action(), c.resource())),
                "a GetItem under a PutItem-only role is reported: " + aws.calls());
        aws.clear();
        handler(template.functions().get("ConnectFunction")).prime();
        assertEquals(
                List.of(new RecordingAws.Call("dynamodb:PutItem", connections)),
                aws.calls(),
                "$connect primes only the PutItem its first role already allowed");
        aws.authorize((action, resource) -> true);
    }

    /** Every call refused: each step is logged and skipped, and the SnapStart hook returns. */
    @Test
    void aFailingPrimingStepIsLoggedAndSkippedNeverThrown() throws Exception {
        List<String> warnings = new ArrayList<>();
        Handler capture =
                new Handler() {
                    @Override
                    public void publish(LogRecord record) {
                        synchronized (warnings) {
                            warnings.add(record.getMessage());
                        }
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        // Held for the whole test: java.util.logging keeps loggers only weakly.
        Logger logger = Logger.getLogger(Priming.class.getName());
        logger.addHandler(capture);
        try {
            aws.authorize((action, resource) -> false);
            for (SamTemplate.FunctionSpec function : priming()) {
                Primeable handler = handler(function);
                warnings.clear();
                assertDoesNotThrow(handler::prime, function.logicalId());
                assertDoesNotThrow(
                        () -> new Priming(handler::prime, () -> {}).beforeCheckpoint(null),
                        function.logicalId() + ": the SnapStart hook");
                assertDoesNotThrow(
                        () ->
                                new Priming(
                                                () -> {
                                                    throw new IllegalStateException("boom");
                                                },
                                                () -> {})
                                        .beforeCheckpoint(null),
                        "a hook whose whole priming throws");
                String call = PrimingPlan.of(Class.forName(function.handlerClass())).call.name();
                assertTrue(
                        warnings.stream()
                                .anyMatch(
                                        w ->
                                                w.startsWith(
                                                                "priming step '"
                                                                        + call
                                                                        + "' failed and was skipped")
                                                        && w.contains("not authorized to perform")),
                        function.logicalId() + ": " + warnings);
            }
        } finally {
            logger.removeHandler(capture);
            aws.authorize((action, resource) -> true);
        }
    }
}
