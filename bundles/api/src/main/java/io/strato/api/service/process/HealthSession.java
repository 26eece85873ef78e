package io.strato.api.service.process;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One admin session a plugin keeps open for its health checks and asks with a round trip
 * ({@link Connection#isValid}): a login (SCRAM, a password exchange) and the check of who holds the port cost far
 * more, every few seconds. A session stays with the server it was opened on, so the plugin's {@link Opener} —
 * which checks the port owner before it sends a password — runs again only when a new session is needed (the
 * server restarted, or the session broke).
 */
public final class HealthSession implements AutoCloseable {

    /** Opens a new admin session, checking first that the server on the port is the plugin's own. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private final int timeoutSeconds;
    private Connection session;

    /** @param timeoutSeconds how long the round trip may take before the server counts as not answering */
    public HealthSession(Opener opener, int timeoutSeconds) {
        this.opener = opener;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Fails unless the server answers, on the open session or on a new one. */
    public synchronized void requireAnswer() throws SQLException {
        if (session != null) {
            if (session.isValid(timeoutSeconds)) {
                return;
            }
            close();
        }
        session = opener.open();
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                // broken already
            }
            session = null;
        }
    }
}
