package dev.godotsignal.lobby;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Lobby names: random and unguessable. 20 alphanumerics carry about 119 bits; the store refuses a
 * name that is already live, so a name is never reused while its lobby exists.
 */
public final class LobbyNames {
    public static final int LENGTH = 20;
    private static final String ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /**
     * What a client may ask to join; anything else cannot exist, so it is "Lobby does not exists".
     */
    private static final Pattern JOINABLE = Pattern.compile("[A-Za-z0-9]{1,64}");

    private final SecureRandom random;

    public LobbyNames(SecureRandom random) {
        this.random = random;
    }

    public String next() {
        char[] name = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            name[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(name);
    }

    public static boolean isJoinable(String name) {
        return JOINABLE.matcher(name).matches();
    }
}
