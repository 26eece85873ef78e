package io.strato.store.shell;

import io.strato.api.shell.CommandServices;
import io.strato.store.StoreShell;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.util.Optional;

@Command(scope = "kato", name = "store-serve", description = "Serves this node's database (same files, all data kept) to "
        + "the cluster's other controllers through a Derby network server")
@Service
public class StoreServeCommand implements Action {

    @Reference(optional = true)
    StoreShell store;

    @Option(name = "--port", description = "the network server's TCP port (default 1527)")
    Integer port;

    @Override
    public Object execute() {
        if (port != null && (port < 1 || port > 65535)) {
            System.err.println("--port " + port + " is not a TCP port; give one between 1 and 65535");
            return null;
        }
        StoreShell store = CommandServices.require(this.store, StoreCommands.UNAVAILABLE);
        try {
            System.out.println(store.serve(Optional.ofNullable(port)));
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
        } catch (java.io.IOException e) {
            System.err.println("Could not write etc/io.strato.store.cfg: " + e.getMessage() + "; set mode = server there by hand");
        }
        return null;
    }
}
