package dev.godotsignal.lobby;

import java.util.regex.Pattern;

/**
 * Games: one deployment serves several, each with its own lobby names, list and quick match. A
 * lobby is stored under its key: the bare name in the default game (where demo clients live, so
 * their lobbies are exactly what they were before games existed), {@code <game>/<name>} in any
 * other. Neither a game id nor a name can hold a {@code /}, so the key is unambiguous.
 */
public final class Games {
    private Games() {}

    public static final String DEFAULT = "default";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    public static boolean isValid(String game) {
        return game != null && VALID.matcher(game).matches();
    }

    public static String lobbyKey(String game, String name) {
        return DEFAULT.equals(game) ? name : game + "/" + name;
    }

    /** The name clients know a lobby by. */
    public static String nameOf(String lobbyKey) {
        return lobbyKey.substring(lobbyKey.indexOf('/') + 1);
    }

    public static String gameOf(String lobbyKey) {
        int slash = lobbyKey.indexOf('/');
        return slash < 0 ? DEFAULT : lobbyKey.substring(0, slash);
    }
}
