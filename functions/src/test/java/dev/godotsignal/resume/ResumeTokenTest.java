package dev.godotsignal.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godotsignal.protocol.Message;
import dev.godotsignal.protocol.MessageCodec;
import dev.godotsignal.protocol.MessageType;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResumeTokenTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void roundTripsAndIsUrlSafe() {
        ResumeToken token = new ResumeToken("racing/Ab3", 1234567, ResumeToken.newSecret(RANDOM));
        String encoded = token.encode();
        assertTrue(encoded.matches("[A-Za-z0-9._-]+"), encoded);
        assertEquals(Optional.of(token), ResumeToken.parse(encoded));
    }

    @Test
    void secretsAre128RandomBits() {
        String a = ResumeToken.newSecret(RANDOM);
        assertEquals(22, a.length(), "16 bytes, base64url without padding");
        assertNotEquals(a, ResumeToken.newSecret(RANDOM));
    }

    @Test
    void anythingElseIsNotAToken() {
        String good = new ResumeToken("lobby", 2, ResumeToken.newSecret(RANDOM)).encode();
        for (String bad :
                List.of(
                        "",
                        "garbage",
                        good.replace("r1.", "r2."),
                        good + ".extra",
                        good.substring(0, good.length() - 1),
                        good.replace(".2.", ".0."),
                        good.replace(".2.", ".x."),
                        "r1..2." + "A".repeat(22),
                        "r1.bG9iYnk.2." + "A".repeat(300))) {
            assertEquals(Optional.empty(), ResumeToken.parse(bad), bad);
        }
        assertEquals(Optional.empty(), ResumeToken.parse(null));
    }

    @Test
    void comparesSecretsAndNeverPrintsThem() {
        String secret = ResumeToken.newSecret(RANDOM);
        ResumeToken token = new ResumeToken("lobby", 2, secret);
        assertTrue(token.secretMatches(secret));
        assertFalse(token.secretMatches(ResumeToken.newSecret(RANDOM)));
        assertFalse(token.secretMatches(null));
        assertFalse(token.toString().contains(secret));
    }

    @Test
    void keptFramesTellWhoCameAndWentBeforeJoinAndDropWhatADeparturesSent() {
        MessageCodec codec = new MessageCodec();
        List<String> kept =
                List.of(
                        codec.encode(Message.peerConnect(5)),
                        codec.encode(new Message(MessageType.OFFER, 5, "o")),
                        codec.encode(Message.peerConnect(6)),
                        codec.encode(new Message(MessageType.OFFER, 6, "x")),
                        codec.encode(Message.peerDisconnect(6)),
                        codec.encode(Message.peerDisconnect(3)),
                        codec.encode(new Message(MessageType.CANDIDATE, 3, "c")),
                        codec.encode(Message.lobbyData("{}")));
        KeptFrames ordered = KeptFrames.order(kept, codec);
        assertEquals(
                List.of(Message.peerConnect(5), Message.peerDisconnect(3)),
                ordered.arrivalsAndDepartures(),
                "6 came and went: never mentioned");
        assertEquals(
                List.of(new Message(MessageType.OFFER, 5, "o"), Message.lobbyData("{}")),
                ordered.rest(),
                "nothing from 6 or 3, which left");
    }
}
