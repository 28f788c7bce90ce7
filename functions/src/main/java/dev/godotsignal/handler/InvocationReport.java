package dev.godotsignal.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.MessageType;
import dev.godotsignal.resume.ResumeRefusal;
import dev.godotsignal.signaling.SignalingEvents;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Map;

/**
 * One structured log line per invocation, in CloudWatch's embedded metric format: the line is a
 * searchable log record (route, connection, lobby, peer, status, latency — never tokens or SDP) and
 * CloudWatch extracts the counts from it as metrics (namespace GodotSignaling), with errors also by
 * reason. No PutMetricData call, no extra latency.
 */
final class InvocationReport implements SignalingEvents {
    static final String NAMESPACE = "GodotSignaling";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String function;
    private final String route;
    private final String connectionId;
    private final long started = System.nanoTime();
    private String lobby;
    private Integer peerId;
    private int joins;
    private int lobbiesCreated;
    private int relays;
    private int candidatesHeld;
    private int goneCleanups;
    private int leaves;
    private int suspensions;
    private int resumes;
    private int resumesRefused;
    private int keptFramesDropped;
    private final Map<MessageType, Integer> relaysByType = new EnumMap<>(MessageType.class);
    private final Map<ErrorReason, Integer> errors = new EnumMap<>(ErrorReason.class);

    InvocationReport(String function, String route, String connectionId) {
        this.function = function;
        this.route = route;
        this.connectionId = connectionId;
    }

    @Override
    public void lobbyCreated(String lobby) {
        lobbiesCreated++;
    }

    @Override
    public void joined(String lobby, int peerId) {
        joins++;
        this.lobby = lobby;
        this.peerId = peerId;
    }

    @Override
    public void relayed(MessageType type) {
        relays++;
        relaysByType.merge(type, 1, Integer::sum);
    }

    @Override
    public void candidateHeld() {
        candidatesHeld++;
    }

    @Override
    public void rejected(ErrorReason reason) {
        errors.merge(reason, 1, Integer::sum);
    }

    @Override
    public void goneCleanedUp() {
        goneCleanups++;
    }

    @Override
    public void left(String lobby, int peerId, boolean host) {
        leaves++;
        if (this.lobby == null) {
            this.lobby = lobby;
            this.peerId = peerId;
        }
    }

    @Override
    public void suspended(String lobby, int peerId) {
        suspensions++;
        if (this.lobby == null) {
            this.lobby = lobby;
            this.peerId = peerId;
        }
    }

    @Override
    public void resumed(String lobby, int peerId) {
        resumes++;
        this.lobby = lobby;
        this.peerId = peerId;
    }

    @Override
    public void resumeRefused(ResumeRefusal refusal) {
        resumesRefused++;
    }

    @Override
    public void keptFramesDropped(int count) {
        keptFramesDropped += count;
    }

    /** Writes the line (and one per error reason, so errors are counted by reason). */
    void emit(PrintStream out, int status) {
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        ObjectNode line =
                metricLine(
                        new String[][] {{"Function"}},
                        Map.ofEntries(
                                Map.entry("Joins", joins),
                                Map.entry("LobbiesCreated", lobbiesCreated),
                                Map.entry("Relays", relays),
                                Map.entry("CandidatesHeld", candidatesHeld),
                                Map.entry("GoneCleanups", goneCleanups),
                                Map.entry("Leaves", leaves),
                                Map.entry("Suspensions", suspensions),
                                Map.entry("Resumes", resumes),
                                Map.entry("ResumesRefused", resumesRefused),
                                Map.entry("KeptFramesDropped", keptFramesDropped),
                                Map.entry(
                                        "Errors",
                                        errors.values().stream().mapToInt(i -> i).sum())));
        line.put("level", status >= 500 ? "ERROR" : "INFO");
        line.put("route", route);
        line.put("connectionId", connectionId);
        if (lobby != null) {
            line.put("lobby", lobby);
            line.put("peerId", peerId);
        }
        relaysByType.forEach((type, count) -> line.put("relayed" + type.name(), count));
        if (!errors.isEmpty()) {
            line.put(
                    "errorReasons",
                    String.join(",", errors.keySet().stream().map(Enum::name).toList()));
        }
        line.put("status", status);
        line.put("latencyMs", latencyMs);
        out.println(line);
        errors.forEach(
                (reason, count) -> {
                    ObjectNode byReason =
                            metricLine(
                                    new String[][] {{"ErrorReason"}},
                                    Map.of("ErrorsByReason", count));
                    byReason.put("ErrorReason", reason.name());
                    out.println(byReason);
                });
    }

    private ObjectNode metricLine(String[][] dimensions, Map<String, Integer> metrics) {
        ObjectNode line = JSON.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", System.currentTimeMillis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dims = directive.putArray("Dimensions");
        for (String[] set : dimensions) {
            ArrayNode names = dims.addArray();
            for (String name : set) {
                names.add(name);
            }
        }
        ArrayNode metricDefs = directive.putArray("Metrics");
        metrics.forEach(
                (name, value) -> {
                    metricDefs.addObject().put("Name", name).put("Unit", "Count");
                    line.put(name, value);
                });
        line.put("Function", function);
        return line;
    }
}
