package dev.godotsignal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InvocationPoolTest {

    @Test
    void waitingMembershipChangesGoFirstAndEachLaneKeepsItsOrder() throws Exception {
        InvocationPool pool = new InvocationPool(1, Thread::new);
        CountDownLatch busy = new CountDownLatch(1);
        pool.run(InvocationPool.Lane.OTHER, () -> await(busy)); // holds the only thread
        List<String> ran = new CopyOnWriteArrayList<>();
        pool.run(InvocationPool.Lane.OTHER, () -> ran.add("relay 1"));
        pool.run(InvocationPool.Lane.OTHER, () -> ran.add("relay 2"));
        pool.run(InvocationPool.Lane.MEMBERSHIP, () -> ran.add("join 1"));
        pool.run(InvocationPool.Lane.OTHER, () -> ran.add("relay 3"));
        pool.run(InvocationPool.Lane.MEMBERSHIP, () -> ran.add("join 2"));
        busy.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(List.of("join 1", "join 2", "relay 1", "relay 2", "relay 3"), ran);
        assertThrows(
                RejectedExecutionException.class,
                () -> pool.run(InvocationPool.Lane.MEMBERSHIP, () -> {}));
    }

    @Test
    void joinsAndMatchesAreMembershipChanges() {
        assertEquals(
                InvocationPool.Lane.MEMBERSHIP,
                WebSocketFrontDoor.laneOf(
                        WebSocketFrontDoor.json("{\"type\":0,\"id\":0,\"data\":\"\"}")));
        assertEquals(
                InvocationPool.Lane.MEMBERSHIP,
                WebSocketFrontDoor.laneOf(
                        WebSocketFrontDoor.json("{\"type\":103,\"id\":0,\"data\":\"{}\"}")));
        assertEquals(
                InvocationPool.Lane.OTHER,
                WebSocketFrontDoor.laneOf(
                        WebSocketFrontDoor.json("{\"type\":6,\"id\":1,\"data\":\"c\"}")));
        assertEquals(
                InvocationPool.Lane.OTHER,
                WebSocketFrontDoor.laneOf(WebSocketFrontDoor.json("not json")));
        assertEquals(
                InvocationPool.Lane.OTHER,
                WebSocketFrontDoor.laneOf(WebSocketFrontDoor.json("{\"type\":\"0\"}")));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
