package dev.godotsignal.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** One client connection, as the management API and the route events see it. */
final class GatewayConnection {
    final String id;
    final Instant connectedAt;
    final String sourceIp;
    final String userAgent;
    private volatile Instant lastActiveAt;
    private volatile Session session;
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private volatile boolean aborted;
    private final AtomicInteger writing = new AtomicInteger();

    /**
     * Held while a frame is handed to the socket, so a drop ({@link #abort}) falls between frames:
     * frames handed over before it are written first, one after it is refused (410).
     */
    private final Object sendLock = new Object();

    /** A client that reads nothing for this long is treated as gone (API Gateway does likewise). */
    private static final int SEND_TIMEOUT_SECONDS = 10;

    GatewayConnection(String id, Instant connectedAt, String sourceIp, String userAgent) {
        this.id = id;
        this.connectedAt = connectedAt;
        this.lastActiveAt = connectedAt;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
    }

    void opened(Session session) {
        this.session = session;
    }

    void touched() {
        lastActiveAt = Instant.now();
        lastFrameNanos = System.nanoTime();
    }

    /** When a frame last went either way (System.nanoTime). */
    private volatile long lastFrameNanos = System.nanoTime();

    /** When the first frame went to the client (System.nanoTime), 0 before that. */
    private volatile long firstSentNanos;

    /** Whether the first frame to the client went at least {@code nanos} ago. */
    boolean answeredFor(long nanos) {
        long first = firstSentNanos;
        return first != 0 && System.nanoTime() - first >= nanos;
    }

    /** Whether no frame went either way for {@code quietNanos}. */
    boolean quietFor(long quietNanos) {
        return writing.get() == 0 && System.nanoTime() - lastFrameNanos >= quietNanos;
    }

    Instant lastActiveAt() {
        return lastActiveAt;
    }

    boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen() && !disconnected.get() && !aborted;
    }

    /**
     * Sends one frame (text when the payload is UTF-8, binary otherwise) and waits until it is
     * written, as API Gateway's POST does; throws, with the reason, when it cannot be.
     */
    void send(byte[] payload) throws IOException {
        Session s = session;
        if (s == null || !s.isOpen()) {
            throw new IOException("the connection is closed");
        }
        Optional<String> text = utf8(payload);
        CompletableFuture<Void> written = new CompletableFuture<>();
        Callback done =
                Callback.from(
                        () -> {
                            writing.decrementAndGet();
                            written.complete(null);
                        },
                        failure -> {
                            writing.decrementAndGet();
                            written.completeExceptionally(failure);
                        });
        // The whole write under the lock: a drop ({@link #abort}) then falls between whole
        // frames, each either written before it or refused after it (410).
        synchronized (sendLock) {
            if (aborted) {
                throw new IOException("the connection was dropped");
            }
            writing.incrementAndGet();
            lastFrameNanos = System.nanoTime();
            if (firstSentNanos == 0) {
                firstSentNanos = lastFrameNanos;
            }
            if (text.isPresent()) {
                s.sendText(text.get(), done);
            } else {
                s.sendBinary(ByteBuffer.wrap(payload), done);
            }
            try {
                written.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IOException("the client read nothing for " + SEND_TIMEOUT_SECONDS + " s");
            } catch (ExecutionException e) {
                throw new IOException("the write failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    private static Optional<String> utf8(byte[] payload) {
        try {
            return Optional.of(
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(payload))
                            .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    void close(int code, String reason) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    /**
     * Drops the connection without a close handshake, as a crashed client or a lost network would.
     */
    void abort() {
        synchronized (sendLock) {
            aborted = true;
        }
        // Frames already handed to the socket finish first (a post they answer has told its
        // sender "delivered"); then the connection is cut.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (writing.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }

    /** True exactly once: the first caller runs $disconnect. */
    boolean markDisconnected() {
        return disconnected.compareAndSet(false, true);
    }
}
