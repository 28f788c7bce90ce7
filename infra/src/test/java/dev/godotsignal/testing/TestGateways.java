package dev.godotsignal.testing;

import dev.godotsignal.gateway.GatewayOptions;
import dev.godotsignal.gateway.LocalGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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

    public static LocalGateway start(Map<String, String> parameters) throws Exception {
        GatewayOptions options = GatewayOptions.defaults().withPort(0).quiet().withParameters(parameters);
        return LocalGateway.start(new GatewayOptions(options.port(), options.host(), template(), options.dataDir(),
                options.parameterOverrides(), options.idleTimeout(), options.maxConnectionDuration(),
                Boolean.getBoolean("gateway.verbose")));
    }
}
