package dev.godotsignal.bench;

import dev.godotsignal.chaos.CapacityMeter;
import dev.godotsignal.gateway.GatewayMeter;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What each discovery operation costs, measured one at a time through the local gateway:
 * LOBBY_DATA, a MATCH that opens a lobby, a MATCH that takes a seat, and {@code GET /lobbies}. Each
 * figure is the average over {@value #REPEATS} operations of the API Gateway messages, invocations,
 * DynamoDB units and {@code @connections} calls between sending the request and its last answer.
 */
final class DiscoveryCosts {
    static final int REPEATS = 10;
    private static final Duration SETTLE = Duration.ofMillis(300);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Op(
            String name,
            double framesIn,
            double framesOut,
            double invocations,
            double readUnits,
            double writeUnits,
            double connectionsCalls) {
        double usdPerMillion() {
            return 1e6
                    * ((framesIn + framesOut) * CostReport.API_MESSAGE
                            + invocations * CostReport.LAMBDA_REQUEST
                            + readUnits * CostReport.READ_UNIT
                            + writeUnits * CostReport.WRITE_UNIT);
        }
    }

    /** Something to measure; returns once its last answer arrived. */
    interface Operation {
        void run() throws Exception;
    }

    private final LocalGateway gateway;
    private final List<ExtSocket> sockets = new ArrayList<>();

    private DiscoveryCosts(LocalGateway gateway) {
        this.gateway = gateway;
    }

    static List<Op> measure(LocalGateway gateway) throws Exception {
        DiscoveryCosts costs = new DiscoveryCosts(gateway);
        try {
            return costs.measureAll();
        } finally {
            costs.sockets.forEach(ExtSocket::close);
        }
    }

    private ExtSocket connect(String game) {
        ExtSocket socket = new ExtSocket(URI.create(gateway.url() + "/?ext=1&game=" + game));
        sockets.add(socket);
        return socket;
    }

    private List<Op> measureAll() throws Exception {
        List<Op> opening = new ArrayList<>();
        List<Op> seat = new ArrayList<>();
        List<Op> data = new ArrayList<>();
        for (int i = 0; i <= REPEATS; i++) {
            String game = "cost-" + UUID.randomUUID().toString().substring(0, 8);
            ExtSocket host = connect(game);
            ExtSocket guest = connect(game);
            Thread.sleep(200); // their $connects are not part of the operations
            Op opened =
                    once(
                            "MATCH that opens a lobby",
                            () -> {
                                host.send(MessageType.MATCH, 0, "{\"maxPeers\":4}");
                                host.await(MessageType.LOBBY_DATA);
                            });
            Op seated =
                    once(
                            "MATCH that takes a seat",
                            () -> {
                                guest.send(MessageType.MATCH, 0, "{\"maxPeers\":4}");
                                guest.await(MessageType.LOBBY_DATA);
                                host.await(MessageType.PEER_CONNECT);
                            });
            Op changed =
                    once(
                            "LOBBY_DATA (2 peers told)",
                            () -> {
                                host.send(
                                        MessageType.LOBBY_DATA,
                                        0,
                                        "{\"data\":{\"map\":\"dunes\"}}");
                                host.await(MessageType.LOBBY_DATA);
                                guest.await(MessageType.LOBBY_DATA);
                            });
            if (i > 0) { // the first round warms the environments up
                opening.add(opened);
                seat.add(seated);
                data.add(changed);
            }
        }
        String listed = "cost-list";
        for (int i = 0; i < 50; i++) {
            ExtSocket host = connect(listed);
            host.send(MessageType.JOIN, 0, "");
            host.await(MessageType.JOIN);
            host.send(MessageType.LOBBY_DATA, 0, "{\"public\":true}");
            host.await(MessageType.LOBBY_DATA);
        }
        List<Op> list = new ArrayList<>();
        for (int i = 0; i <= REPEATS; i++) {
            Op page =
                    once("GET /lobbies (a page of 50)", () -> get("game=" + listed + "&limit=50"));
            if (i > 0) {
                list.add(page);
            }
        }
        return List.of(average(opening), average(seat), average(data), average(list));
    }

    private void get(String query) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(gateway.lobbiesUrl() + "?" + query))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /lobbies answered " + response.statusCode());
        }
    }

    private Op once(String name, Operation operation) throws Exception {
        return once(gateway, name, operation);
    }

    /** Measures one operation: what it cost from its start until its work has settled. */
    static Op once(LocalGateway gateway, String name, Operation operation) throws Exception {
        GatewayMeter meter = gateway.meter();
        meter.reset();
        CapacityMeter.start();
        operation.run();
        // The answers arrive before their invocation returns: let it finish before reading.
        Thread.sleep(SETTLE.toMillis());
        CapacityMeter.Reading capacity = CapacityMeter.stop();
        GatewayMeter.Reading reading = meter.read();
        return new Op(
                name,
                reading.framesIn(),
                reading.framesOut(),
                reading.invocations().values().stream().mapToLong(Long::longValue).sum(),
                capacity.readUnits(),
                capacity.writeUnits(),
                reading.connectionsApi().values().stream().mapToLong(Long::longValue).sum());
    }

    static Op average(List<Op> ops) {
        double n = ops.size();
        return new Op(
                ops.get(0).name(),
                ops.stream().mapToDouble(Op::framesIn).sum() / n,
                ops.stream().mapToDouble(Op::framesOut).sum() / n,
                ops.stream().mapToDouble(Op::invocations).sum() / n,
                ops.stream().mapToDouble(Op::readUnits).sum() / n,
                ops.stream().mapToDouble(Op::writeUnits).sum() / n,
                ops.stream().mapToDouble(Op::connectionsCalls).sum() / n);
    }

    /** The header of a per-operation cost table. */
    static final String TABLE_HEADER =
            "| operation | WS messages in | out | Lambda invocations | DynamoDB RRU | WRU |"
                    + " @connections calls | USD per million |\n"
                    + "|---|---|---|---|---|---|---|---|\n";

    /** One operation's row, priced at {@code usd} per million. */
    static String row(Op op, double usd) {
        return String.format(
                "| %s | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | $%.2f |%n",
                op.name(),
                op.framesIn(),
                op.framesOut(),
                op.invocations(),
                op.readUnits(),
                op.writeUnits(),
                op.connectionsCalls(),
                usd);
    }

    static String render(List<Op> ops) {
        StringBuilder md = new StringBuilder();
        md.append("\n## Lobby discovery, per operation\n\n");
        md.append("Measured the same way, one operation at a time (average of ")
                .append(REPEATS)
                .append(
                        " after a warm-up): from sending the request to its last answer. The list"
                                + " counts no API Gateway WebSocket messages: it is an HTTP API call"
                                + " ($1.00 per million requests, added to its price).\n\n");
        md.append(TABLE_HEADER);
        for (Op op : ops) {
            double usd = op.usdPerMillion();
            if (op.name().startsWith("GET")) {
                usd += CostReport.HTTP_API_REQUEST * 1e6;
            }
            md.append(row(op, usd));
        }
        return md.toString();
    }
}
