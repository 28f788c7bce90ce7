package dev.godotsignal.turn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ICE servers a peer is given after its ID (the ICE_SERVERS extension): STUN URLs as they are,
 * TURN URLs with fresh credentials of their own. Absent when nothing is configured.
 */
public final class IceServers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> stunUrls;
    private final List<String> turnUrls;
    private final Supplier<TurnCredentials> credentials;
    private volatile TurnCredentials loaded;

    /**
     * @param credentials read on first use (the TURN secret is fetched only by the functions that
     *     hand out credentials, once per execution environment)
     */
    public IceServers(
            List<String> stunUrls, List<String> turnUrls, Supplier<TurnCredentials> credentials) {
        this.stunUrls = List.copyOf(stunUrls);
        this.turnUrls = List.copyOf(turnUrls);
        this.credentials = credentials;
    }

    public static IceServers none() {
        return new IceServers(
                List.of(),
                List.of(),
                () -> {
                    throw new IllegalStateException("no TURN configured");
                });
    }

    private TurnCredentials credentials() {
        TurnCredentials current = loaded;
        if (current == null) {
            synchronized (this) {
                if (loaded == null) {
                    loaded = credentials.get();
                }
                current = loaded;
            }
        }
        return current;
    }

    /** Whether peers are sent anything at all: only when TURN is configured. */
    public boolean configured() {
        return !turnUrls.isEmpty();
    }

    /**
     * {@code {"iceServers":[{"urls":[stun…]},{"urls":[turn…],"username":…,"credential":…}]}} for
     * one peer.
     */
    public String forPeer(String user, Instant now) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode servers = root.putArray("iceServers");
        if (!stunUrls.isEmpty()) {
            stunUrls.forEach(servers.addObject().putArray("urls")::add);
        }
        TurnCredentials.Credential credential = credentials().issue(user, now);
        ObjectNode turn = servers.addObject();
        turnUrls.forEach(turn.putArray("urls")::add);
        turn.put("username", credential.username());
        turn.put("credential", credential.password());
        return root.toString();
    }
}
