package io.strato.core.shell;

import io.strato.api.role.RoleGroup;
import io.strato.api.role.RoleInfo;
import io.strato.api.role.RoleService;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import java.util.List;

/** Completes role and role group names. */
@Service
public class RoleOrGroupCompleter implements Completer {

    @Reference
    RoleService roles;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        roles.roles().stream().map(RoleInfo::name).forEach(names.getStrings()::add);
        roles.groups().stream().map(RoleGroup::name).forEach(names.getStrings()::add);
        return names.complete(session, commandLine, candidates);
    }
}
