package dev.godotsignal.testing;

import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.store.Items;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What the resume tests share: finding a peer's connection, and resuming with a token. */
public final class Resumes {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Resumes() {}

    /**
     * Run in a browser page: its network "stays down" for resumes (each resume attempt goes to a
     * path the gateway refuses, as a handshake that fails) until {@link #NETWORK_BACK} runs.
     */
    public static final String HOLD_RESUMES =
            """
            (() => {
              const Real = window.__RealWebSocket = window.__RealWebSocket || WebSocket;
              window.__offline = true;
              const Shim = function (url, protocols) {
                let target = url;
                if (window.__offline && String(url).includes('resume=')) {
                  const refused = new URL(String(url));
                  refused.pathname = '/offline';
                  target = refused.toString();
                }
                return new Real(target, protocols);
              };
              Shim.prototype = Real.prototype;
              Object.assign(Shim, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
              window.WebSocket = Shim;
              return true;
            })()""";

    /** Resume attempts reach the gateway again (after {@link #HOLD_RESUMES}). */
    public static final String NETWORK_BACK = "window.__offline = false";

    /** The connection a lobby's peer is on now (its member item in the lobbies table). */
    public static String connectionOf(LocalGateway gateway, String lobbyKey, int peerId) {
        return member(gateway, lobbyKey, peerId).get(Items.CONNECTION_ID).s();
    }

    /** A lobby's member item, as the store wrote it. */
    private static Map<String, AttributeValue> member(
            LocalGateway gateway, String lobbyKey, int peerId) {
        return gateway.dynamo()
                .client()
                .getItem(
                        b ->
                                b.tableName("LobbiesTable")
                                        .key(Items.lobbyKey(lobbyKey, peerId))
                                        .consistentRead(true))
                .item();
    }

    /** How many frames are kept for a held peer. */
    public static int keptCount(LocalGateway gateway, String lobbyKey, int peerId) {
        Map<String, AttributeValue> item = member(gateway, lobbyKey, peerId);
        AttributeValue kept = item == null ? null : item.get(Items.KEPT);
        return kept == null ? 0 : kept.l().size();
    }

    /** The URL that resumes with {@code token}, after the given query parameters. */
    public static URI resumeUrl(LocalGateway gateway, String query, String token) {
        return URI.create(
                gateway.url()
                        + "/?"
                        + query
                        + (query.isEmpty() ? "" : "&")
                        + "resume="
                        + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    /** The HTTP status a handshake was refused with, or 101 when it was accepted (and closed). */
    public static int handshakeStatus(URI uri) {
        try {
            WebSocket socket =
                    HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {}).join();
            socket.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }
}
