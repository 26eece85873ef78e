package io.strato.services.rabbit.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.security.auth.Subject;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.VirtualHostNode;
import org.apache.qpid.server.security.SubjectExecutionContext;
import org.apache.qpid.server.security.auth.TaskPrincipal;

/** Qpid Broker-J started on the work directory's configuration, and the subject that may change it. */
final class RunningBroker {

    private final SystemLauncher launcher;
    private final BrokerListener listener;
    private final Subject system;

    private RunningBroker(SystemLauncher launcher, BrokerListener listener) {
        this.launcher = launcher;
        this.listener = listener;
        this.system = new Subject(true, Set.of(launcher.getSystemPrincipal(), new TaskPrincipal("strato-rabbit-control")),
                Set.of(), Set.of());
    }

    /** Starts the broker, or ends the JVM saying why it could not. */
    static RunningBroker start(Path workDir) throws Exception {
        Path initial = workDir.resolve("initial-config.json");
        Files.writeString(initial, BrokerConfig.initial());
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(SystemConfig.TYPE, "JSON");
        attributes.put("storePath", workDir.resolve("config.json").toString());
        attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, initial.toUri().toString());
        attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, Boolean.FALSE);
        BrokerListener listener = new BrokerListener();
        RunningBroker running = new RunningBroker(new SystemLauncher(listener), listener);
        running.launcher.startup(attributes);
        if (listener.failure != null || listener.systemConfig == null || running.broker().getState() != State.ACTIVE) {
            System.err.println("strato: the rabbit broker failed to start: " + (listener.failure != null ? listener.failure
                    : "broker state " + (listener.systemConfig == null ? "unknown" : running.broker().getState())));
            System.exit(1);
        }
        Port<?> amqp = running.broker().getChildByName(Port.class, "AMQP");
        if (amqp == null || amqp.getState() != State.ACTIVE) {
            System.err.println("strato: the rabbit broker's AMQP port " + System.getProperty(BrokerConfig.HOST_PROPERTY) + ":"
                    + System.getProperty(BrokerConfig.PORT_PROPERTY) + " could not be opened (state "
                    + (amqp == null ? "missing" : amqp.getState()) + "); is another program listening there?");
            running.launcher.shutdown(1);
            System.exit(1);
        }
        for (VirtualHostNode<?> node : running.broker().getChildren(VirtualHostNode.class)) {
            if (node.getState() != State.ACTIVE) {
                System.err.println("strato: virtual host " + node.getName() + " is " + node.getState() + "; see the messages above");
            }
        }
        // Broker-J's JSON store writes only the root object when it creates the file from the initial
        // configuration; any change writes the whole tree, so record the start before anything else happens
        running.asSystem(() -> {
            running.broker().setAttributes(new HashMap<>(Map.of("description", "Strato rabbit broker, last started " + Instant.now())));
            return null;
        });
        return running;
    }

    @SuppressWarnings("unchecked")
    Broker<?> broker() {
        return (Broker<?>) listener.systemConfig.getContainer(Broker.class);
    }

    /** Runs {@code action} as the broker's system, which the access rules let change the configuration. */
    <T> T asSystem(Callable<T> action) throws Exception {
        return SubjectExecutionContext.withSubject(system, action);
    }

    void shutdown() {
        launcher.shutdown(0);
    }
}
