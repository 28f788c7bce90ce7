package dev.godotsignal.inprocess;

/**
 * A service that answers HTTP requests in this JVM (DynamoDB Local, the gateway's emulated AWS
 * APIs). The same logic also sits behind a real HTTP server; this is the shortcut past the socket.
 */
@FunctionalInterface
public interface LocalEndpoint {
    LocalHttpResponse handle(LocalHttpRequest request);
}
