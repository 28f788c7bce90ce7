package dev.godotsignal.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials in coturn's REST scheme ({@code use-auth-secret}): the username is
 * {@code "<expiry unix time>:<user>"}, the password {@code base64(HMAC-SHA1(secret, username))}.
 * coturn recomputes the password from its copy of the secret and refuses expired usernames, so a
 * leaked credential is worth nothing after its TTL and the secret never leaves the servers.
 */
public final class TurnCredentials {

    public record Credential(String username, String password) {
        @Override
        public String toString() {
            return "Credential[" + username + ", password hidden]";
        }
    }

    private final SecretKeySpec key;
    private final Duration ttl;

    public TurnCredentials(byte[] secret, Duration ttl) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("the TURN secret is empty");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA1");
        this.ttl = ttl;
    }

    public Credential issue(String user, Instant now) {
        String username = now.plus(ttl).getEpochSecond() + ":" + user;
        return new Credential(username, password(username));
    }

    /** The password coturn expects for a username (any username, expired or not). */
    public String password(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is unavailable", e);
        }
    }
}
