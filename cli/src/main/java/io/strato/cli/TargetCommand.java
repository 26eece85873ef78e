package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;

@Command(name = "target", description = "Show the controller URL, or set it after checking its /v2/info.")
public final class TargetCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(arity = "0..1", paramLabel = "<url>", description = "Controller URL, e.g. https://api.example.com")
    private String url;

    @Override
    public void run() {
        PrintStream out = strato.terminal().out();
        Config config = strato.config();
        if (url == null) {
            if (config.target() == null) {
                throw CliError.noTarget();
            }
            out.println("Target: " + config.target());
            out.println(config.token() == null ? "Not logged in" : "User:   " + config.user());
            return;
        }
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
