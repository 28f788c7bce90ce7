package dev.godotsignal.testing;

import dev.godotsignal.gateway.GatewayOptions;
import dev.godotsignal.gateway.LocalGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Starts the real local gateway on a free port from the repository's own template. */
public final class TestGateways {
    private TestGateways() {
    }

    public static Path template() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("sam-template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("sam-template.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("sam-template.yaml");
    }

    /** Gateway options for tests: a free port, the repository's template and web client, quiet unless -Dgateway.verbose. */
    public static GatewayOptions options(Map<String, String> parameters) {
        GatewayOptions options = GatewayOptions.defaults().withPort(0).withParameters(parameters)
                .withTemplate(template()).withWebRoot(Optional.of(template().getParent().resolve("clients/web")));
        return Boolean.getBoolean("gateway.verbose") ? options : options.quiet();
    }

    public static LocalGateway start(Map<String, String> parameters) throws Exception {
        return LocalGateway.start(options(parameters));
    }
}
