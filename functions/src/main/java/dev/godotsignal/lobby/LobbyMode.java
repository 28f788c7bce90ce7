package dev.godotsignal.lobby;

/** Chosen by the creator's JOIN: id 0 makes a mesh, any other id a client/server lobby. */
public enum LobbyMode {
    MESH,
    CLIENT_SERVER;

    public static LobbyMode fromJoinId(int id) {
        return id == 0 ? MESH : CLIENT_SERVER;
    }

    public boolean isMesh() {
        return this == MESH;
    }
}
