package dev.godotsignal.signaling;

import java.time.Duration;

/** Schedules a {@link Timer}; it comes back to {@link SignalingService#fire} after the delay. */
public interface Timers {
    void schedule(Timer timer, Duration delay);
}
