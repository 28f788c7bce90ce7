package dev.godotsignal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCodecTest {
    final MessageCodec codec = new MessageCodec();

    @Test
    void readsTheDemoEnvelope() throws Exception {
        assertEquals(
                new MessageCodec.Inbound(4, 2, "v=0\r\n"),
                codec.decode("{\"type\":4,\"id\":2,\"data\":\"v=0\\r\\n\"}"));
    }

    @Test
    void acceptsIntegralFloatsAsGodotMaySendThem() throws Exception {
        assertEquals(
                new MessageCodec.Inbound(0, 1, ""),
                codec.decode("{\"type\":0.0,\"id\":1.0,\"data\":\"\"}"));
    }

    @Test
    void missingOrNullDataIsEmptyLikeTheDemoServer() throws Exception {
        assertEquals(new MessageCodec.Inbound(7, 0, ""), codec.decode("{\"type\":7,\"id\":0}"));
        assertEquals(
                new MessageCodec.Inbound(7, 0, ""),
                codec.decode("{\"type\":7,\"id\":0,\"data\":null}"));
    }

    @Test
    void skipsOtherFieldsWhateverTheirShape() throws Exception {
        assertEquals(
                new MessageCodec.Inbound(4, 1, "x"),
                codec.decode(
                        "{\"from\":99,\"type\":4,\"x\":{\"a\":[1,{\"b\":2}]},\"id\":1,\"data\":\"x\"}"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "null",
                "[]",
                "42",
                "\"text\"",
                "{",
                "{\"type\":4,\"id\":1,\"data\":\"x\"} trailing",
                "{\"type\":\"4\",\"id\":1,\"data\":\"x\"}",
                "{\"type\":4,\"id\":true,\"data\":\"x\"}",
                "{\"type\":4,\"id\":1,\"data\":5}",
                "{\"type\":4,\"id\":1,\"data\":{}}",
                "{\"type\":4,\"id\":1,\"data\":[]}",
                "{\"type\":4.5,\"id\":1,\"data\":\"x\"}",
                "{\"type\":4,\"id\":-3,\"data\":\"x\"}",
                "{\"type\":4,\"id\":2147483648,\"data\":\"x\"}",
                "{\"type\":4,\"id\":1e40,\"data\":\"x\"}",
                "{\"type\":4,\"id\":99999999999999999999999,\"data\":\"x\"}",
                "{\"id\":1,\"data\":\"x\"}",
                "{\"type\":4,\"data\":\"x\"}",
                "{\"type\":4,\"type\":4,\"id\":1,\"data\":\"x\"}"
            })
    void rejectsAnythingElseAsInvalidFormat(String text) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(text));
        assertEquals(ErrorReason.INVALID_FORMAT, e.reason());
        assertEquals(
                0, e.getStackTrace().length, "no stack trace is ever built for a client's mistake");
    }

    @Test
    void writesAllThreeFieldsAlwaysAndRoundTripsAnyData() throws Exception {
        String data = "line\r\nunicode é 中 🎮 \\ \"q\" \u0000 \u2028";
        String encoded = codec.encode(new Message(MessageType.OFFER, 7, data));
        assertEquals(new MessageCodec.Inbound(4, 7, data), codec.decode(encoded));
        assertEquals("{\"type\":1,\"id\":1,\"data\":\"true\"}", codec.encode(Message.id(1, true)));
        assertEquals("{\"type\":2,\"id\":9,\"data\":\"\"}", codec.encode(Message.peerConnect(9)));
        assertEquals(
                "{\"type\":100,\"id\":4000,\"data\":\"Lobby is sealed\"}",
                codec.encode(Message.error(ErrorReason.LOBBY_SEALED)));
    }
}
