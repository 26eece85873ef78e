package io.strato.role.controller.shell;

import io.strato.api.shell.CommandServices;
import io.strato.role.controller.tenancy.TenancyAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kato", name = "org-list", description = "Lists the organizations with their quota and what they use")
@Service
public class OrgListCommand implements Action {

    @Reference(optional = true)
    TenancyAdmin tenancy;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Organization");
        table.column("Spaces");
        table.column("Quota");
        table.column("Memory (MB)");
        table.column("Instances");
        table.column("Services");
        table.column("Routes");
        for (TenancyAdmin.OrgUse o : CommandServices.require(tenancy, ClusterRecords.UNAVAILABLE).organizations()) {
            table.addRow().addContent(o.name(), o.spaces(), o.quota(), use(o.memoryUsed(), o.memoryLimit()),
                    use(o.instancesUsed(), o.instanceLimit()), use(o.servicesUsed(), o.servicesLimit()),
                    use(o.routesUsed(), o.routesLimit()));
        }
        table.print(System.out);
        return null;
    }

    /** "used / limit", or "used / unlimited" for a negative limit. */
    static String use(long used, int limit) {
        return used + " / " + (limit < 0 ? "unlimited" : String.valueOf(limit));
    }
}
