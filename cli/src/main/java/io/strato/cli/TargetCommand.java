package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.List;

@Command(name = "target", description = {
        "Show or set the target: the controller URL, user, org and space.",
        "A URL is set after checking its /v2/info; -o/-s choose the org and space to work in."})
public final class TargetCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(arity = "0..1", paramLabel = "<url>", description = "Controller URL, e.g. https://api.example.com")
    private String url;

    @Option(names = {"-o", "--org"}, paramLabel = "<org>", description = "Org to target")
    private String org;

    @Option(names = {"-s", "--space"}, paramLabel = "<space>", description = "Space to target (in the org)")
    private String space;

    @Override
    public void run() {
        PrintStream out = strato.terminal().out();
        Config config = strato.config();
        if (url != null) {
            setUrl(config, out);
        }
        if (org != null || space != null) {
            targetOrgAndSpace(out);
            return;
        }
        if (url == null) {
            if (config.target() == null) {
                throw CliError.noTarget();
            }
            printTarget(config, out);
        }
    }

    private void targetOrgAndSpace(PrintStream out) {
        ControllerClient controller = strato.controller();
        Config config = strato.config();
        if (org != null) {
            Org chosen = controller.requireOrg(org);
            config = config.withOrg(chosen.guid(), chosen.name());
            if (space == null) {
                config = withOnlySpace(controller, config);
            }
        }
        if (space != null) {
            if (config.orgGuid() == null) {
                throw CliError.noOrg();
            }
            Space chosen = controller.requireSpace(new Org(config.orgGuid(), config.orgName(), "", ""), space);
            config = config.withSpace(chosen.guid(), chosen.name());
        }
        strato.configStore().save(config);
        printTarget(config, out);
        if (config.spaceGuid() == null) {
            out.println("Choose a space with `strato target -o " + config.orgName() + " -s SPACE`");
        }
    }

    /** The config with the org's space targeted when the org has exactly one. */
    static Config withOnlySpace(ControllerClient controller, Config config) {
        List<Space> spaces = controller.spaces(config.orgGuid());
        return spaces.size() == 1 ? config.withSpace(spaces.get(0).guid(), spaces.get(0).name()) : config;
    }

    static void printTarget(Config config, PrintStream out) {
        out.println("Target: " + config.target());
        if (config.token() == null) {
            out.println("Not logged in");
            return;
        }
        out.println("User:   " + config.user());
        out.println("Org:    " + (config.orgName() == null ? "none" : config.orgName()));
        out.println("Space:  " + (config.spaceName() == null ? "none" : config.spaceName()));
    }

    private void setUrl(Config config, PrintStream out) {
        Checked checked = check(url);
        strato.configStore().save(config.withTarget(checked.url()));
        out.println("Target: " + checked.url());
        JsonNode info = checked.info();
        out.println(info.path("name").asText("controller") + " " + info.path("version").asText("")
                + " (API " + info.path("api_version").asText("?") + ")");
        if (!checked.url().equals(config.target()) || config.token() == null) {
            out.println("Log in with `strato login`");
        }
    }

    private record Checked(String url, JsonNode info) {
    }

    /** Without a scheme, tries https first and falls back to http, as a micro cloud often has no TLS. */
    private static Checked check(String given) {
        String trimmed = given.trim().replaceAll("/+$", "");
        if (trimmed.startsWith("http://") || trimmed.startsWith("https://")) {
            return new Checked(trimmed, info(trimmed));
        }
        try {
            return new Checked("https://" + trimmed, info("https://" + trimmed));
        } catch (CliError httpsFailed) {
            if (httpsFailed.exitCode() != CliError.UNREACHABLE) {
                throw httpsFailed;
            }
            return new Checked("http://" + trimmed, info("http://" + trimmed));
        }
    }

    private static JsonNode info(String target) {
        JsonNode info;
        try {
            info = new ApiClient(target, null).get("/v2/info").body();
        } catch (ApiError e) {
            throw new CliError(target + " is not a Strato controller (/v2/info: " + e.getMessage() + "): check the URL");
        }
        if (!info.has("api_version") && !info.has("token_endpoint")) {
            throw new CliError(target + " is not a Strato controller (/v2/info has no api_version): check the URL");
        }
        return info;
    }
}
