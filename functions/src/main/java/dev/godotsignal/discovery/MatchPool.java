package dev.godotsignal.discovery;

import dev.godotsignal.lobby.FlatData;
import dev.godotsignal.lobby.LobbyMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Matchers that may share lobbies: same game, mode and size ({@link #indexKey}, the index partition
 * they search), and for taking turns at opening new lobbies also the same {@code where} ({@link
 * #turnKey}). Turns run in {@value #LANES} lanes, so a burst of matchers fills that many lobbies at
 * once rather than queueing on one.
 */
public record MatchPool(String game, LobbyMode mode, int maxPeers, FlatData where) {

    /** The lobbies of a game with this mode and size: {@code game|mesh|maxPeers}. */
    public String indexKey() {
        return indexKey(game, mode, maxPeers);
    }

    public static String indexKey(String game, LobbyMode mode, int maxPeers) {
        return game + "|" + (mode.isMesh() ? "mesh" : "cs") + "|" + maxPeers;
    }

    public static final int LANES = 4;

    /**
     * The index key, a digest of {@code where} in key order (so equal conditions agree), and the
     * lane.
     */
    public String turnKey(int lane) {
        return whereKey() + "|" + lane;
    }

    private String whereKey() {
        String canonical =
                new FlatData(new TreeMap<String, Object>(Map.copyOf(where.values()))).json();
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(canonical.getBytes(StandardCharsets.UTF_8));
            return indexKey() + "|" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
