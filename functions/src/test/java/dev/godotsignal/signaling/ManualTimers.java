package dev.godotsignal.signaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Timers that fire only when a test says so; what was scheduled, with its delay, can be read. */
public final class ManualTimers implements Timers {
    /** One scheduled timer. */
    public record Scheduled(Timer timer, Duration delay) {}

    private final List<Scheduled> scheduled = new ArrayList<>();

    @Override
    public synchronized void schedule(Timer timer, Duration delay) {
        scheduled.add(new Scheduled(timer, delay));
    }

    /** Everything scheduled so far, and forgets it. */
    public synchronized List<Scheduled> take() {
        List<Scheduled> all = List.copyOf(scheduled);
        scheduled.clear();
        return all;
    }
}
