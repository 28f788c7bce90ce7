package dev.godotsignal.protocol;

import java.util.Optional;

/** Message types of Godot's WebRTC signaling demo, plus the extensions this server adds. */
public enum MessageType {
    JOIN(0),
    ID(1),
    PEER_CONNECT(2),
    PEER_DISCONNECT(3),
    OFFER(4),
    ANSWER(5),
    CANDIDATE(6),
    SEAL(7),
    /**
     * Extension (server to client): {@code id} is 4000, {@code data} the demo server's close
     * reason. Sent only to connections that opted in with {@code ?ext=1}; Godot's demo client would
     * log an unknown type as a parse error, so it never gets one.
     */
    ERROR(100),
    /**
     * Extension (server to client), right after ID, only with {@code ?ext=1} and only when TURN is
     * configured: {@code data} is {@code {"iceServers":[...]}} with time-limited TURN credentials.
     */
    ICE_SERVERS(101),
    /**
     * Extension, only with {@code ?ext=1}: from the host, a change of its lobby's data; to the
     * lobby's ext peers, the lobby's full data ({@code id} 1, the host).
     */
    LOBBY_DATA(102),
    /** Extension, only with {@code ?ext=1}, client to server: quick match, instead of JOIN. */
    MATCH(103),
    /**
     * Extension (server to client), only with {@code ?ext=1} and only when resuming is on: right
     * after ID (and ICE_SERVERS), {@code data} the single-use token that resumes this peer after a
     * dropped socket ({@code ?ext=1&resume=<token>}).
     */
    RESUME(104);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<MessageType> fromCode(int code) {
        for (MessageType type : values()) {
            if (type.code == code) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** OFFER, ANSWER and CANDIDATE: forwarded to one peer of the sender's lobby. */
    public boolean isRelayed() {
        return this == OFFER || this == ANSWER || this == CANDIDATE;
    }
}
