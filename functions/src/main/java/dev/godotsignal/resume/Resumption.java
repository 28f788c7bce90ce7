package dev.godotsignal.resume;

import dev.godotsignal.lobby.Connection;
import java.util.Optional;

/** What {@link ResumeStore#resume} did. */
public sealed interface Resumption {

    /**
     * Resumed: {@code connection} is the peer's now. {@code received}: frames the replaced
     * connections had delivered, all told. {@code stillOpen}: the replaced connection, when it had
     * not been seen to drop (its socket must be closed: one live connection per peer).
     */
    record Resumed(Connection connection, long received, Optional<String> stillOpen)
            implements Resumption {}

    record Refused(ResumeRefusal refusal) implements Resumption {}
}
