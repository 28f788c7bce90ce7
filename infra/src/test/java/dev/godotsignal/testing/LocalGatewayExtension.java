package dev.godotsignal.testing;

import dev.godotsignal.gateway.GatewayOptions;
import dev.godotsignal.gateway.LocalGateway;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The local gateway for one test class: started before its tests from the repository's template
 * (with these parameters and options), closed after them.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalGatewayExtension GATEWAY = LocalGatewayExtension.withParameters(Map.of("SealCloseDelaySeconds", "1"));
 * ... GATEWAY.get().url() ...
 * }</pre>
 */
public final class LocalGatewayExtension implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> parameters;
    private final UnaryOperator<GatewayOptions> options;
    private LocalGateway gateway;

    private LocalGatewayExtension(
            Map<String, String> parameters, UnaryOperator<GatewayOptions> options) {
        this.parameters = parameters;
        this.options = options;
    }

    public static LocalGatewayExtension withParameters(Map<String, String> parameters) {
        return new LocalGatewayExtension(parameters, UnaryOperator.identity());
    }

    /** Template parameters, then any other option (secrets, chaos…). */
    public static LocalGatewayExtension with(
            Map<String, String> parameters, UnaryOperator<GatewayOptions> options) {
        return new LocalGatewayExtension(parameters, options);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        gateway = LocalGateway.start(options.apply(TestGateways.options(parameters)));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    /** The running gateway (between the class's first and last test). */
    public LocalGateway get() {
        if (gateway == null) {
            throw new IllegalStateException("the gateway runs only while the test class does");
        }
        return gateway;
    }
}
