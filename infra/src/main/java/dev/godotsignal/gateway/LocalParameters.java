package dev.godotsignal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * SSM Parameter Store's GetParameter, emulated for the functions' real SSM client: the values come
 * from {@code --secret /Name=Value} (they stay in memory and are never logged).
 */
final class LocalParameters {
    static final String PATH = "/_local/ssm";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> values;

    LocalParameters(Map<String, String> values) {
        this.values = values;
    }

    JsonAnswer handle(String target, String body) {
        if (!"AmazonSSM.GetParameter".equals(target)) {
            return error("UnsupportedOperation", "the local gateway emulates GetParameter only");
        }
        String name;
        try {
            JsonNode request = JSON.readTree(body);
            name = request.path("Name").asText();
        } catch (Exception e) {
            return error("ValidationException", "not JSON");
        }
        String value = values.get(name);
        if (value == null) {
            return error(
                    "ParameterNotFound",
                    "no parameter " + name + " (start ./run-local with --secret " + name + "=...)");
        }
        ObjectNode response = JSON.createObjectNode();
        ObjectNode parameter = response.putObject("Parameter");
        parameter.put("Name", name);
        parameter.put("Type", "SecureString");
        parameter.put("Value", value);
        parameter.put("Version", 1);
        return new JsonAnswer(200, response.toString());
    }

    private static JsonAnswer error(String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", code);
        body.put("message", message);
        return new JsonAnswer(400, body.toString());
    }
}
