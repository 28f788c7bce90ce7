package dev.godotsignal.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalHttpRequestTest {
    @Test
    void aHeaderIsFoundWhateverItsCaseAndAnEmptyOneIsAbsent() {
        LocalHttpRequest request =
                new LocalHttpRequest(
                        "POST",
                        "/",
                        Map.of(
                                "X-Amz-Target", List.of("DynamoDB_20120810.GetItem", "second"),
                                "Empty", List.of()),
                        new byte[0]);
        assertEquals(Optional.of("DynamoDB_20120810.GetItem"), request.header("x-amz-target"));
        assertEquals(Optional.of("DynamoDB_20120810.GetItem"), request.header("X-AMZ-TARGET"));
        assertEquals(Optional.empty(), request.header("Empty"));
        assertEquals(Optional.empty(), request.header("Authorization"));
    }
}
