package dev.godotsignal.gateway;

import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that run the functions' invocations, and the queue of those waiting for one.
 *
 * <p>On AWS each invocation gets an execution environment of its own, up to the account's
 * concurrency: a JOIN never waits behind other connections' relays. Here a fixed number of threads
 * serve everything, and beyond that invocations queue; a first-come queue would let a load test's
 * relays push its joins past the join deadline. So a JOIN or a MATCH goes ahead of the others;
 * within a lane the order is first come, first served.
 */
final class InvocationPool {
    /** Which invocations go first. */
    enum Lane {
        MEMBERSHIP,
        OTHER
    }

    private record Queued(Lane lane, long order, Runnable work)
            implements Runnable, Comparable<Queued> {
        @Override
        public void run() {
            work.run();
        }

        @Override
        public int compareTo(Queued other) {
            int byLane = lane.compareTo(other.lane);
            return byLane != 0 ? byLane : Long.compare(order, other.order);
        }
    }

    private final AtomicLong arrivals = new AtomicLong();
    private final ThreadPoolExecutor threads;

    InvocationPool(int size, ThreadFactory factory) {
        // A core size equal to the maximum: the pool grows to it before anything queues.
        this.threads =
                new ThreadPoolExecutor(
                        size,
                        size,
                        0,
                        TimeUnit.MILLISECONDS,
                        new PriorityBlockingQueue<>(),
                        factory);
    }

    /** Runs the work in its lane's turn; throws RejectedExecutionException once shut down. */
    void run(Lane lane, Runnable work) throws RejectedExecutionException {
        threads.execute(new Queued(lane, arrivals.incrementAndGet(), work));
    }

    /** Starts nothing new; what runs or waits still runs. */
    void shutdown() {
        threads.shutdown();
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return threads.awaitTermination(timeout, unit);
    }
}
