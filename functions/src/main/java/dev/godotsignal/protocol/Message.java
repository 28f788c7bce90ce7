package dev.godotsignal.protocol;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One protocol frame: {@code {"type":int,"id":int,"data":string}}. {@code data} is never null, so
 * every frame we send is one the Godot client accepts. {@code received} exists only on the RESUME
 * frame of a resumed connection (an extension frame): how many frames the server had received from
 * the peer, all its connections told.
 */
public record Message(MessageType type, int id, String data, OptionalLong received) {

    /** The close code of the demo server, carried as the id of an ERROR frame. */
    public static final int ERROR_CODE = 4000;

    public Message {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(received, "received");
    }

    public Message(MessageType type, int id, String data) {
        this(type, id, data, OptionalLong.empty());
    }

    public static Message id(int peerId, boolean mesh) {
        return new Message(MessageType.ID, peerId, mesh ? "true" : "");
    }

    public static Message joined(String lobby) {
        return new Message(MessageType.JOIN, 0, lobby);
    }

    public static Message peerConnect(int peerId) {
        return new Message(MessageType.PEER_CONNECT, peerId, "");
    }

    public static Message peerDisconnect(int peerId) {
        return new Message(MessageType.PEER_DISCONNECT, peerId, "");
    }

    public static Message seal() {
        return new Message(MessageType.SEAL, 0, "");
    }

    public static Message iceServers(String json) {
        return new Message(MessageType.ICE_SERVERS, 0, json);
    }

    public static Message error(ErrorReason reason) {
        return new Message(MessageType.ERROR, ERROR_CODE, reason.text());
    }

    /** An ERROR frame with {@code id} 0: a request was refused, the connection stays open. */
    public static Message refusal(ErrorReason reason) {
        return new Message(MessageType.ERROR, 0, reason.text());
    }

    /** The token that resumes {@code peerId} after a drop (RESUME, right after ID). */
    public static Message resume(int peerId, String token) {
        return new Message(MessageType.RESUME, peerId, token);
    }

    /**
     * The RESUME of a resumed connection: a new token, and how many frames the peer's connections
     * had delivered, so the client re-sends only those the server never saw.
     */
    public static Message resumed(int peerId, String token, long received) {
        return new Message(MessageType.RESUME, peerId, token, OptionalLong.of(received));
    }

    /** A lobby's data, from its host (peer 1). */
    public static Message lobbyData(String json) {
        return new Message(MessageType.LOBBY_DATA, 1, json);
    }
}
