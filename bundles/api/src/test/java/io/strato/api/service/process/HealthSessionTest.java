package io.strato.api.service.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthSessionTest {

    private final AtomicBoolean answers = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A session that answers isValid as {@link #answers} says and records its close. */
    private Connection session() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isValid" -> answers.get();
                    case "close" -> {
                        closed.set(true);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void anAnsweringSessionIsAskedAgainWithoutANewLogin() throws SQLException {
        AtomicInteger logins = new AtomicInteger();
        HealthSession health = new HealthSession(() -> {
            logins.incrementAndGet();
            return session();
        }, 5);
        for (int i = 0; i < 5; i++) {
            health.requireAnswer();
        }
        assertEquals(1, logins.get());
    }

    @Test
    void aSessionThatStoppedAnsweringIsClosedAndTheNextLoginGoesThroughTheOpenersChecks() throws SQLException {
        AtomicInteger logins = new AtomicInteger();
        AtomicBoolean foreignListener = new AtomicBoolean();
        HealthSession health = new HealthSession(() -> {
            if (foreignListener.get()) {
                throw new SQLException("another program listens on the port; it gets no password");
            }
            logins.incrementAndGet();
            return session();
        }, 5);
        health.requireAnswer();

        answers.set(false);
        foreignListener.set(true);
        SQLException refused = assertThrows(SQLException.class, health::requireAnswer);
        assertTrue(refused.getMessage().contains("no password"));
        assertTrue(closed.get(), "the broken session is closed");

        foreignListener.set(false);
        answers.set(true);
        health.requireAnswer();
        assertEquals(2, logins.get(), "a new login once the server is ours again");
    }
}
