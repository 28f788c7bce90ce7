package dev.godotsignal.inprocess;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What an in-process endpoint answers: status, headers and body, as its HTTP server would. */
@SuppressWarnings("ArrayRecordComponent") // the body is handed on, never compared
public record LocalHttpResponse(int status, Map<String, String> headers, byte[] body) {

    public static LocalHttpResponse of(int status, String contentType, String body) {
        return new LocalHttpResponse(
                status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
    }
}
