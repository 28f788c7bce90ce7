package dev.godotsignal.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godotsignal.signaling.Timer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every kind of timer comes back from its SQS message as it went in. */
class SqsTimersTest {
    @Test
    void everyTimerSurvivesItsMessage() {
        for (Timer timer :
                List.of(
                        new Timer.SealClose("game/lobby"),
                        new Timer.ConnectionCheck("c1="),
                        new Timer.JoinGrace("c2="),
                        new Timer.ResumeExpiry("c3="),
                        new Timer.ResumeGreeting("c4=", 17))) {
            assertEquals(
                    Optional.of(new SqsTimers.Scheduled(timer, "api", "prod")),
                    SqsTimers.decode(SqsTimers.encode(timer, "api", "prod")));
        }
        assertEquals(Optional.empty(), SqsTimers.decode("{\"timer\":\"unknown\"}"));
    }
}
