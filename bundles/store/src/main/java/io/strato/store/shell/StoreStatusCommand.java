package io.strato.store.shell;

import io.strato.api.shell.CommandServices;
import io.strato.store.StoreShell;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "kato", name = "store-status", description = "Shows where this node's and the cluster's database are, "
        + "the network server this node runs and the connection pool")
@Service
public class StoreStatusCommand implements Action {

    @Reference(optional = true)
    StoreShell store;

    @Override
    public Object execute() {
        System.out.print(CommandServices.require(store, StoreCommands.UNAVAILABLE).status());
        return null;
    }
}
