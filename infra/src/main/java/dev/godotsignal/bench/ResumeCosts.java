package dev.godotsignal.bench;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.store.Items;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a blip costs, measured through the local gateway: a guest's socket is dropped, two frames
 * are kept for it, it resumes and is greeted. Also the resume latency a client sees, from opening
 * the new connection to its JOIN confirmation. A session without a blip costs nothing more (the
 * session table measures that).
 */
final class ResumeCosts {
    static final int REPEATS = 10;
    private static final Duration SETTLE = Duration.ofMillis(500);

    /** One blip's figures (averages), and the resume latencies seen (ms). */
    record Blip(DiscoveryCosts.Op cost, List<Long> latenciesMs) {
        long percentile(int p) {
            List<Long> sorted = latenciesMs.stream().sorted().toList();
            return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
        }
    }

    private ResumeCosts() {}

    static Blip measure(LocalGateway gateway) throws Exception {
        List<DiscoveryCosts.Op> blips = new ArrayList<>();
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i <= REPEATS; i++) {
            try (ExtSocket host = new ExtSocket(URI.create(gateway.url() + "/?ext=1"))) {
                host.send(MessageType.JOIN, 0, "");
                host.await(MessageType.ID);
                String lobby = host.await(MessageType.JOIN).get("data").asText();
                ExtSocket guest = new ExtSocket(URI.create(gateway.url() + "/?ext=1"));
                guest.send(MessageType.JOIN, 0, lobby);
                int guestId = guest.await(MessageType.ID).get("id").asInt();
                String token = guest.await(MessageType.RESUME).get("data").asText();
                guest.await(MessageType.JOIN);
                host.await(MessageType.PEER_CONNECT);
                String connection = connectionOf(gateway, lobby, guestId);
                Thread.sleep(SETTLE.toMillis());
                long[] latency = new long[1];
                DiscoveryCosts.Op blip =
                        DiscoveryCosts.once(
                                gateway,
                                "a blip: drop, 2 frames kept, resume, greeting",
                                () -> {
                                    gateway.dropConnection(connection);
                                    Thread.sleep(SETTLE.toMillis()); // its $disconnect suspends it
                                    host.send(MessageType.ANSWER, guestId, "answer");
                                    host.send(MessageType.CANDIDATE, guestId, "\n0\n0\ncandidate");
                                    Thread.sleep(SETTLE.toMillis());
                                    long started = System.nanoTime();
                                    try (ExtSocket back =
                                            new ExtSocket(
                                                    URI.create(
                                                            gateway.url()
                                                                    + "/?ext=1&resume="
                                                                    + URLEncoder.encode(
                                                                            token,
                                                                            StandardCharsets
                                                                                    .UTF_8)))) {
                                        back.await(MessageType.JOIN);
                                        latency[0] = (System.nanoTime() - started) / 1_000_000;
                                        back.await(MessageType.CANDIDATE);
                                    }
                                });
                if (i > 0) { // the first round warms the environments up
                    blips.add(blip);
                    latencies.add(latency[0]);
                }
            }
            Thread.sleep(SETTLE.toMillis());
        }
        return new Blip(DiscoveryCosts.average(blips), latencies);
    }

    private static String connectionOf(LocalGateway gateway, String lobby, int peerId) {
        return gateway.dynamo()
                .client()
                .getItem(
                        b ->
                                b.tableName("LobbiesTable")
                                        .key(Items.lobbyKey(lobby, peerId))
                                        .consistentRead(true))
                .item()
                .get(Items.CONNECTION_ID)
                .s();
    }

    static String render(Blip blip) {
        DiscoveryCosts.Op op = blip.cost();
        return "\n## Resuming\n\n"
                + "A session without a dropped socket costs no DynamoDB call more for being"
                + " resumable: the token's secret rides on `$connect`'s write, the frame count on"
                + " the rate-limit write every frame already makes (the tables above are measured"
                + " with resuming on). An extension peer receives one more frame when it joins, its"
                + " RESUME token: one API Gateway message, $1.00 per million joins (the MATCH rows"
                + " above include it; the session table's peers are demo clients, which get none)."
                + " A blip costs this, measured the same way (average of "
                + REPEATS
                + " after a warm-up): a guest's socket dropped by the gateway, two frames kept for"
                + " it, its resume with the token, and the greeting that sends them; it also sends"
                + " 3 SQS messages (grace end, greeting, connection check).\n\n"
                + DiscoveryCosts.TABLE_HEADER
                + DiscoveryCosts.row(op, op.usdPerMillion() + 3 * CostReport.SQS_REQUEST * 1e6)
                + String.format(
                        "%nResume latency, new connection to its JOIN confirmation, locally: p50"
                                + " %d ms, max %d ms (%d resumes). Most of it is the greeting"
                                + " waiting for the new socket to finish opening: API Gateway"
                                + " accepts no post before `$connect` returns.%n",
                        blip.percentile(50), blip.percentile(100), blip.latenciesMs().size());
    }
}
