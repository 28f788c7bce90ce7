package dev.godotsignal.testing;

import dev.godotsignal.gateway.GatewayOptions;
import dev.godotsignal.gateway.LocalGateway;
import dev.godotsignal.store.Items;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Starts the real local gateway on a free port from the repository's own template. */
public final class TestGateways {
    private TestGateways() {}

    public static Path template() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("sam-template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "sam-template.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("sam-template.yaml");
    }

    /**
     * Gateway options for tests: a free port, the repository's template and web client, quiet
     * unless -Dgateway.verbose.
     */
    public static GatewayOptions options(Map<String, String> parameters) {
        GatewayOptions options =
                GatewayOptions.defaults()
                        .withPort(0)
                        .withParameters(parameters)
                        .withTemplate(template())
                        .withWebRoot(Optional.of(template().getParent().resolve("clients/web")));
        return Boolean.getBoolean("gateway.verbose") ? options : options.quiet();
    }

    public static LocalGateway start(Map<String, String> parameters) throws Exception {
        return LocalGateway.start(options(parameters));
    }

    /**
     * Waits until no connection, member, lobby or live-lobby count is left in the gateway's tables:
     * no stuck lobby, no ghost peer.
     */
    public static void awaitNothingLeft(LocalGateway gateway, java.time.Duration timeout)
            throws InterruptedException {
        var dynamo = gateway.dynamo().client();
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            int connections = dynamo.scan(b -> b.tableName("ConnectionsTable")).count();
            var lobbyItems = dynamo.scan(b -> b.tableName("LobbiesTable")).items();
            String lobbyItem = String.valueOf(Items.LOBBY_ITEM);
            long members =
                    lobbyItems.stream()
                            .filter(
                                    i ->
                                            !Items.bookkeeping(i.get(Items.LOBBY).s())
                                                    && !i.get(Items.PEER_ID).n().equals(lobbyItem)
                                                    && !i.containsKey(Items.LEFT_AT))
                            .count();
            long lobbies =
                    lobbyItems.stream()
                            .filter(
                                    i ->
                                            !Items.bookkeeping(i.get(Items.LOBBY).s())
                                                    && i.get(Items.PEER_ID).n().equals(lobbyItem))
                            .count();
            String live =
                    lobbyItems.stream()
                            .filter(i -> i.get(Items.LOBBY).s().equals(Items.LIVE_COUNTER))
                            .map(i -> i.get(Items.LIVE_LOBBIES).n())
                            .findFirst()
                            .orElse("0");
            state =
                    "connections "
                            + connections
                            + ", members "
                            + members
                            + ", lobbies "
                            + lobbies
                            + ", live count "
                            + live;
            if (connections == 0 && members == 0 && lobbies == 0 && live.equals("0")) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("something was left behind: " + state);
    }
}
