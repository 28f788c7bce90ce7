package dev.godotsignal.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.protocol.ErrorReason;
import dev.godotsignal.protocol.MessageType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InvocationReportTest {

    @Test
    void oneEmbeddedMetricLinePerInvocationAndOnePerErrorReason() throws Exception {
        InvocationReport report = new InvocationReport("MessageFunction", "$default", "abc=");
        report.joined("LobbyName", 7);
        report.relayed(MessageType.OFFER);
        report.relayed(MessageType.CANDIDATE);
        report.candidateHeld();
        report.rejected(ErrorReason.INVALID_DESTINATION);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.emit(new PrintStream(out, true, StandardCharsets.UTF_8), 200);
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n", -1);
        assertEquals(2, lines.length);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        assertEquals("GodotSignaling", line.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
        assertEquals("Function", line.at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText());
        assertEquals("MessageFunction", line.get("Function").asText());
        assertEquals(2, line.get("Relays").asInt());
        assertEquals(1, line.get("CandidatesHeld").asInt());
        assertEquals(1, line.get("Errors").asInt());
        assertEquals("LobbyName", line.get("lobby").asText());
        assertEquals(7, line.get("peerId").asInt());
        assertEquals("$default", line.get("route").asText());
        assertTrue(line.has("latencyMs"));
        JsonNode byReason = new ObjectMapper().readTree(lines[1]);
        assertEquals("INVALID_DESTINATION", byReason.get("ErrorReason").asText());
        assertEquals(1, byReason.get("ErrorsByReason").asInt());
    }
}
