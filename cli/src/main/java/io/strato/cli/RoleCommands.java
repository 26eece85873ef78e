package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Org and space roles: {@code org-users}, {@code set-org-role}, {@code space-users}, {@code set-space-role}, ... */
final class RoleCommands {

    static final String ORGS = "organizations";
    static final String SPACES = "spaces";

    /** A role as cf names it, the API's path segment for it, and the heading {@code *-users} prints. */
    enum Role {
        ORG_MANAGER("OrgManager", ORGS, "managers", "ORG MANAGER"),
        BILLING_MANAGER("BillingManager", ORGS, "billing_managers", "BILLING MANAGER"),
        ORG_AUDITOR("OrgAuditor", ORGS, "auditors", "ORG AUDITOR"),
        ORG_USER("OrgUser", ORGS, "users", "ORG USER"),
        SPACE_MANAGER("SpaceManager", SPACES, "managers", "SPACE MANAGER"),
        SPACE_DEVELOPER("SpaceDeveloper", SPACES, "developers", "SPACE DEVELOPER"),
        SPACE_AUDITOR("SpaceAuditor", SPACES, "auditors", "SPACE AUDITOR");

        final String cfName;
        final String kind;
        final String path;
        final String heading;

        Role(String cfName, String kind, String path, String heading) {
            this.cfName = cfName;
            this.kind = kind;
            this.path = path;
            this.heading = heading;
        }

        static List<Role> of(String kind) {
            return Arrays.stream(values()).filter(r -> r.kind.equals(kind)).toList();
        }

        static Role parse(String kind, String name) {
            String wanted = name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
            return of(kind).stream().filter(r -> r.cfName.toLowerCase(Locale.ROOT).equals(wanted)).findFirst()
                    .orElseThrow(() -> new CliError("Unknown role '" + name + "': use one of "
                            + of(kind).stream().map(r -> r.cfName).collect(Collectors.joining(", "))));
        }
    }

    private RoleCommands() {
    }

    private static void printUsers(ControllerClient controller, String kind, String guid, PrintStream out) {
        boolean first = true;
        for (Role role : Role.of(kind)) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println(role.heading);
            List<String> users = controller.roleUsers(kind, guid, role.path);
            if (users.isEmpty()) {
                out.println("  No " + role.heading + " found");
            }
            users.forEach(u -> out.println("  " + u));
        }
    }

    @Command(name = "org-users", description = "List an org's users by role.")
    static final class OrgUsers implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(index = "0", paramLabel = "<org>")
        private String org;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            Org chosen = controller.requireOrg(org);
            PrintStream out = strato.terminal().out();
            out.println("Getting users in org " + chosen.name() + " as " + strato.config().user() + "...");
            out.println();
            printUsers(controller, ORGS, chosen.guid(), out);
        }
    }

    @Command(name = "space-users", description = "List a space's users by role.")
    static final class SpaceUsers implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(index = "0", paramLabel = "<org>")
        private String org;

        @Parameters(index = "1", paramLabel = "<space>")
        private String space;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            Space chosen = controller.requireSpace(controller.requireOrg(org), space);
            PrintStream out = strato.terminal().out();
            out.println("Getting users in org " + org + " / space " + chosen.name() + " as " + strato.config().user() + "...");
            out.println();
            printUsers(controller, SPACES, chosen.guid(), out);
        }
    }

    @Command(name = "set-org-role", description = "Give a user an org role: OrgManager, BillingManager, OrgAuditor, OrgUser.")
    static final class SetOrgRole implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(index = "0", paramLabel = "<user>")
        private String user;

        @Parameters(index = "1", paramLabel = "<org>")
        private String org;

        @Parameters(index = "2", paramLabel = "<role>")
        private String roleName;

        @Override
        public void run() {
            Role role = Role.parse(ORGS, roleName);
            ControllerClient controller = strato.controller();
            Org chosen = controller.requireOrg(org);
            controller.setRole(ORGS, chosen.guid(), role.path, user);
            strato.terminal().out().println("Gave " + user + " the role " + role.cfName + " in org " + chosen.name());
        }
    }

    @Command(name = "unset-org-role", description = "Take an org role from a user.")
    static final class UnsetOrgRole implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(index = "0", paramLabel = "<user>")
        private String user;

        @Parameters(index = "1", paramLabel = "<org>")
        private String org;

        @Parameters(index = "2", paramLabel = "<role>")
        private String roleName;

        @Override
        public void run() {
            Role role = Role.parse(ORGS, roleName);
            ControllerClient controller = strato.controller();
            Org chosen = controller.requireOrg(org);
            controller.unsetRole(ORGS, chosen.guid(), role.path, user);
            strato.terminal().out().println("Took the role " + role.cfName + " in org " + chosen.name() + " from " + user);
        }
    }

    @Command(name = "set-space-role", description = {
            "Give a user a space role: SpaceManager, SpaceDeveloper, SpaceAuditor.",
            "A user who is not yet a user of the org is made one first."})
    static final class SetSpaceRole implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(index = "0", paramLabel = "<user>")
        private String user;

        @Parameters(index = "1", paramLabel = "<org>")
        private String org;

        @Parameters(index = "2", paramLabel = "<space>")
        private String space;

        @Parameters(index = "3", paramLabel = "<role>")
        private String roleName;

        @Override
        public void run() {
            Role role = Role.parse(SPACES, roleName);
            ControllerClient controller = strato.controller();
            Org chosenOrg = controller.requireOrg(org);
            Space chosen = controller.requireSpace(chosenOrg, space);
            if (!controller.roleUsers(ORGS, chosenOrg.guid(), Role.ORG_USER.path).contains(user)) {
                controller.setRole(ORGS, chosenOrg.guid(), Role.ORG_USER.path, user);
                strato.terminal().out().println("Made " + user + " a user of org " + chosenOrg.name());
            }
            controller.setRole(SPACES, chosen.guid(), role.path, user);
            strato.terminal().out().println("Gave " + user + " the role " + role.cfName + " in org " + chosenOrg.name()
                    + " / space " + chosen.name());
        }
    }

    @Command(name = "unset-space-role", description = "Take a space role from a user.")
    static final class UnsetSpaceRole implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(index = "0", paramLabel = "<user>")
        private String user;

        @Parameters(index = "1", paramLabel = "<org>")
        private String org;

        @Parameters(index = "2", paramLabel = "<space>")
        private String space;

        @Parameters(index = "3", paramLabel = "<role>")
        private String roleName;

        @Override
        public void run() {
            Role role = Role.parse(SPACES, roleName);
            ControllerClient controller = strato.controller();
            Org chosenOrg = controller.requireOrg(org);
            Space chosen = controller.requireSpace(chosenOrg, space);
            controller.unsetRole(SPACES, chosen.guid(), role.path, user);
            strato.terminal().out().println("Took the role " + role.cfName + " in org " + chosenOrg.name()
                    + " / space " + chosen.name() + " from " + user);
        }
    }
}
