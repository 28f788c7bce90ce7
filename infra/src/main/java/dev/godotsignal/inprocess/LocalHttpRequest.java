package dev.godotsignal.inprocess;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One HTTP request as an in-process endpoint sees it: no socket, no parsing, the same bytes. */
@SuppressWarnings("ArrayRecordComponent") // the body is handed on, never compared
public record LocalHttpRequest(
        String method, String path, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header, matched without regard to case as HTTP does. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst();
    }
}
