package io.strato.services.rabbit.server;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.SystemConfig;

/** Remembers the system configuration and a startup failure; ends the JVM when the broker stops by itself. */
final class BrokerListener implements SystemLauncherListener {

    volatile SystemConfig<?> systemConfig;
    volatile RuntimeException failure;
    private final AtomicBoolean stopped = new AtomicBoolean();

    @Override
    public void beforeStartup() {
    }

    @Override
    public void errorOnStartup(RuntimeException e) {
        failure = e;
    }

    @Override
    public void afterStartup() {
    }

    @Override
    public void onContainerResolve(SystemConfig<?> config) {
        systemConfig = config;
    }

    @Override
    public void onContainerClose(SystemConfig<?> config) {
    }

    @Override
    public void onShutdown(int exitCode) {
        if (stopped.compareAndSet(false, true)) {
            System.err.println("strato: rabbit broker stopped");
            // a broker that stopped by itself (an error, an operation) ends the JVM, so the plugin restarts it
            new Thread(() -> Runtime.getRuntime().halt(exitCode), "rabbit-exit").start();
        }
    }

    @Override
    public void exceptionOnShutdown(Exception e) {
        System.err.println("strato: error while stopping the rabbit broker: " + e);
    }
}
