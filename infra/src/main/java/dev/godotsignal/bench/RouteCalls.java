package dev.godotsignal.bench;

import dev.godotsignal.gateway.GatewayOptions;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remote calls (DynamoDB, {@code @connections}, SQS) each route makes in a 4-peer mesh lobby of
 * demo clients, and how many of them it waits for one after another: what a route's latency on AWS
 * is made of, at a few milliseconds per call.
 */
public final class RouteCalls {
    static final int REPEATS = 5;
    private static final Duration SETTLE = Duration.ofMillis(500);

    /** A route's calls and sequential calls, averaged over the repeats. */
    record Route(String name, double calls, double sequential) {}

    /** Something to do; returns when done. */
    private interface Step {
        void run() throws Exception;
    }

    private final Map<String, List<List<CallTrace.Call>>> traces = new LinkedHashMap<>();

    private RouteCalls() {}

    /** Prints the table alone (./cost-report writes it into docs/COSTS.md with the rest). */
    public static void main(String[] args) throws Exception {
        System.out.print(render(measure()));
    }

    /**
     * On a gateway of its own whose join-deadline timers fire long after the measurement, so no
     * timer of an earlier round runs during a route.
     */
    static List<Route> measure() throws Exception {
        RouteCalls routes = new RouteCalls();
        GatewayOptions options =
                GatewayOptions.defaults()
                        .withPort(0)
                        .quiet()
                        .withParameters(
                                Map.of("SealCloseDelaySeconds", "1", "JoinDeadlineSeconds", "900"));
        try (LocalGateway gateway = LocalGateway.start(options)) {
            for (int i = 0; i <= REPEATS; i++) {
                routes.session(gateway.url(), i > 0); // round 0 warms up
            }
        }
        List<Route> result = new ArrayList<>();
        routes.traces.forEach(
                (name, runs) ->
                        result.add(
                                new Route(
                                        name,
                                        runs.stream().mapToInt(List::size).average().orElse(0),
                                        runs.stream()
                                                .mapToInt(CallTrace::sequential)
                                                .average()
                                                .orElse(0))));
        return result;
    }

    private void session(URI url, boolean counted) throws Exception {
        List<ExtSocket> open = new ArrayList<>();
        ExtSocket[] first = new ExtSocket[1];
        step("$connect", counted, open, () -> {}, () -> first[0] = new ExtSocket(url));
        ExtSocket host = first[0];
        open.add(host);
        String[] lobby = new String[1];
        step(
                "JOIN that creates a lobby",
                counted,
                open,
                () -> lobby[0] = host.await(MessageType.JOIN).get("data").asText(),
                () -> host.send(MessageType.JOIN, 0, ""));
        List<ExtSocket> guests = new ArrayList<>();
        int[] guestId = new int[1];
        for (int g = 0; g < 2; g++) {
            ExtSocket guest = new ExtSocket(url);
            open.add(guest);
            guest.send(MessageType.JOIN, 0, lobby[0]);
            int id = guest.await(MessageType.ID).get("id").asInt();
            guest.await(MessageType.JOIN);
            if (g == 0) {
                guestId[0] = id;
            }
            guests.add(guest);
        }
        ExtSocket last = new ExtSocket(url);
        open.add(last);
        step(
                "JOIN that joins (3 peers told)",
                counted,
                open,
                () -> {
                    last.await(MessageType.JOIN);
                    host.await(MessageType.PEER_CONNECT);
                    for (ExtSocket guest : guests) {
                        guest.await(MessageType.PEER_CONNECT);
                    }
                },
                () -> last.send(MessageType.JOIN, 0, lobby[0]));
        ExtSocket guest = guests.get(0);
        step(
                "OFFER",
                counted,
                open,
                () -> host.await(MessageType.OFFER),
                () -> guest.send(MessageType.OFFER, 1, "offer"));
        step(
                "ANSWER",
                counted,
                open,
                () -> guest.await(MessageType.ANSWER),
                () -> host.send(MessageType.ANSWER, guestId[0], "answer"));
        step(
                "CANDIDATE",
                counted,
                open,
                () -> host.await(MessageType.CANDIDATE),
                () ->
                        guest.send(
                                MessageType.CANDIDATE,
                                1,
                                "\n0\n0\ncandidate:0 1 udp 1 10.0.0.1 9 typ host"));
        step(
                "leave (3 peers told)",
                counted,
                open,
                () -> {
                    host.await(MessageType.PEER_DISCONNECT);
                    for (ExtSocket other : guests) {
                        other.await(MessageType.PEER_DISCONNECT);
                    }
                },
                last::close);
        open.remove(last);
        step(
                "SEAL (4 peers told)",
                counted,
                open,
                () -> {
                    host.await(MessageType.SEAL);
                    for (ExtSocket other : guests) {
                        other.await(MessageType.SEAL);
                    }
                },
                () -> host.send(MessageType.SEAL, 0, ""));
        open.forEach(ExtSocket::close);
        Thread.sleep(SETTLE.toMillis() * 3); // the seal's close and the $disconnects, not counted
    }

    /**
     * Does {@code send} and waits for what {@code answers} awaits, with the calls traced from the
     * send until its invocations are done; earlier frames are out of the queues first.
     */
    private void step(String name, boolean counted, List<ExtSocket> open, Step answers, Step send)
            throws Exception {
        Thread.sleep(SETTLE.toMillis()); // what came before is over
        open.forEach(socket -> socket.frames.clear());
        CallTrace.start();
        send.run();
        answers.run();
        // The answers arrive before their invocation returns: let it finish before reading.
        Thread.sleep(SETTLE.toMillis());
        List<CallTrace.Call> calls = CallTrace.stop();
        if (counted) {
            traces.computeIfAbsent(name, n -> new ArrayList<>()).add(calls);
        }
    }

    static String render(List<Route> routes) {
        StringBuilder md = new StringBuilder();
        md.append("\n## Remote calls per route\n\n");
        md.append(
                        "The DynamoDB, `@connections` and SQS calls each route makes in a 4-peer"
                                + " mesh lobby of demo clients (average of ")
                .append(REPEATS)
                .append(
                        " after a warm-up), and how many of them it waits for one after another:"
                                + " calls that overlap, as a fan-out's posts to different peers"
                                + " do, count once. Each is a network round trip on AWS, a few"
                                + " milliseconds inside a region.\n\n");
        md.append("| route | remote calls | of them in sequence |\n|---|---|---|\n");
        double calls = 0;
        double sequential = 0;
        for (Route route : routes) {
            md.append(
                    String.format(
                            "| %s | %.1f | %.1f |%n",
                            route.name(), route.calls(), route.sequential()));
            calls += route.calls();
            sequential += route.sequential();
        }
        md.append(String.format("| all of the above | %.1f | %.1f |%n", calls, sequential));
        return md.toString();
    }
}
