package dev.godotsignal.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.testing.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ChaosEndToEndTest}'s sessions with dropped connections that resume. A class of its own: it
 * mostly waits (drop windows, resume graces), so the suite's other JVM runs other classes meanwhile
 * instead of waiting for both halves one after the other.
 */
class ChaosResumeEndToEndTest {

    /**
     * The seeds of {@link ChaosEndToEndTest}, and most connections (80 %) dropped once by the
     * network at a random moment: the clients resume (as ours do) and every session still completes
     * with every relayed frame delivered exactly once and in order, and nobody told a peer left.
     */
    // The seeds run side by side, each on its own gateway with its own faults.
    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 23, 47})
    void resumingSessionsUnderChaosWithDroppedConnections(long seed) throws Exception {
        ChaosOptions chaos = ChaosOptions.standard(seed).withDrops(0.8);
        // A drop after the SEAL is not resumed (the session is over), so its peer is let go when
        // the grace ends: 5 s instead of 20 keeps that wait short. The clients resume within
        // about a second (their first attempt 250 ms after the drop; the resume itself takes
        // tens of milliseconds, docs/COSTS.md), well inside it.
        try (LocalGateway gateway =
                ChaosEndToEndTest.start(chaos, Map.of("ResumeGraceSeconds", "5"))) {
            int resumes = 0;
            for (boolean mesh : new boolean[] {true, false}) {
                resumes += ChaosEndToEndTest.session(gateway, mesh, mesh ? 4 : 3, true);
            }
            assertTrue(resumes > 0, "connections were dropped and resumed");
            TestGateways.awaitNothingLeft(gateway, java.time.Duration.ofSeconds(30));
            System.out.println("chaos " + chaos + ": sessions passed, " + resumes + " resumes");
        }
    }
}
