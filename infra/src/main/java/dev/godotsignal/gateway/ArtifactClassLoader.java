package dev.godotsignal.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A function's classes loaded from the deployment artifact, as Lambda loads them: everything comes
 * from the jar (our code, the SDK, Jackson), nothing from the gateway's own classpath, except the
 * JDK and Lambda's runtime interfaces ({@code RequestStreamHandler}, {@code Context}), which the
 * gateway calls the handler through. A class the artifact lacks fails here as it would on Lambda.
 */
final class ArtifactClassLoader extends URLClassLoader {
    private static final String RUNTIME_INTERFACES = "com.amazonaws.services.lambda.runtime.";
    private static final String RUNTIME_EVENTS = RUNTIME_INTERFACES + "events.";

    private final ClassLoader gateway = ArtifactClassLoader.class.getClassLoader();

    ArtifactClassLoader(String function, Path jar) {
        super(function, new URL[] {url(jar)}, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(RUNTIME_INTERFACES) && !name.startsWith(RUNTIME_EVENTS)) {
            return gateway.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    private static URL url(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(
                    "no deployment artifact at "
                            + jar.toAbsolutePath()
                            + " (mvn -pl functions package builds it)");
        }
        try {
            return jar.toUri().toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
