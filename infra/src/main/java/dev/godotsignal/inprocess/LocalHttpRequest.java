package dev.godotsignal.inprocess;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One HTTP request as an in-process endpoint sees it: no socket, no parsing, the same bytes. */
@SuppressWarnings("ArrayRecordComponent") // the body is handed on, never compared
public record LocalHttpRequest(
        String method, String path, Map<String, List<String>> headers, byte[] body) {

    /**
     * The first value of a header, matched without regard to case as HTTP does. A loop, not a
     * stream: every in-process call asks for two or three headers, and a stream here was about 2 %
     * of the gateway's CPU under load.
     */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return Optional.of(header.getValue().get(0));
            }
        }
        return Optional.empty();
    }
}
