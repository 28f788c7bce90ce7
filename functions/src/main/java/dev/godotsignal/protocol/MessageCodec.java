package dev.godotsignal.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Reads and writes protocol frames with Jackson's streaming API: no tree, no reflection.
 *
 * <p>Reading is strict where the demo server is loose about types and lenient where Godot clients
 * rely on it: {@code type} and {@code id} must be integral numbers ({@code 1.0} is accepted, Godot
 * sends floats in some builds), {@code data} must be a string, or be missing or null (read as
 * {@code ""}, like the demo server). Other fields are skipped and never forwarded. Duplicate keys,
 * trailing content and non-objects are invalid.
 */
public final class MessageCodec {

    /**
     * Thread-safe and costly to build: one for the JVM, not one per codec (a codec is made per
     * event).
     */
    private static final JsonFactory JSON =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** A message as a client sent it: {@code type} may be any integer, known or not. */
    public record Inbound(int type, int id, String data) {}

    public Inbound decode(String text) throws ProtocolException {
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid();
            }
            Integer type = null;
            Integer id = null;
            String data = null;
            boolean sawData = false;
            for (JsonToken token = parser.nextToken();
                    token != JsonToken.END_OBJECT;
                    token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "type" -> type = integral(parser, value);
                    case "id" -> id = integral(parser, value);
                    case "data" -> {
                        sawData = true;
                        if (value == JsonToken.VALUE_STRING) {
                            data = parser.getText();
                        } else if (value != JsonToken.VALUE_NULL) {
                            throw invalid();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw invalid();
            }
            if (type == null || id == null || type < 0 || id < 0) {
                throw invalid();
            }
            return new Inbound(type, id, sawData && data != null ? data : "");
        } catch (JsonProcessingException e) {
            throw invalid();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String encode(Message message) {
        StringWriter out = new StringWriter(message.data().length() + 40);
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeNumberField("type", message.type().code());
            generator.writeNumberField("id", message.id());
            generator.writeStringField("data", message.data());
            if (message.received().isPresent()) {
                generator.writeNumberField("received", message.received().getAsLong());
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Integer integral(JsonParser parser, JsonToken value)
            throws IOException, ProtocolException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            long v = parser.getLongValue();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw invalid();
            }
            return (int) v;
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
            double v = parser.getDoubleValue();
            if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw invalid();
            }
            return (int) v;
        }
        throw invalid();
    }

    private static ProtocolException invalid() {
        return new ProtocolException(ErrorReason.INVALID_FORMAT);
    }
}
