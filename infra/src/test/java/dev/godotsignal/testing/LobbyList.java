package dev.godotsignal.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godotsignal.gateway.LocalGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /lobbies} on a gateway, as a browser or the clients call it. */
public final class LobbyList {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LobbyList() {}

    /** The raw answer to {@code GET /lobbies?<query>}, with these header name/value pairs. */
    public static HttpResponse<String> get(LocalGateway gateway, String query, String... headers)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(
                                        gateway.lobbiesUrl()
                                                + (query.isEmpty() ? "" : "?" + query)))
                        .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A page of the list: asserts a 200 JSON answer and returns its body. */
    public static JsonNode page(LocalGateway gateway, String query) throws Exception {
        HttpResponse<String> response = get(gateway, query);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(response.body());
    }

    /** The names of a page's lobbies, in its order. */
    public static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("lobbies").forEach(l -> names.add(l.path("name").asText()));
        return names;
    }
}
