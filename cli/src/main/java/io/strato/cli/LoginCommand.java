package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "login", description = "Log in to the target and store the access token.")
public final class LoginCommand implements Runnable {

    /** HTTP Basic for the public client "cf" with an empty secret, as every CF v2 CLI sends. */
    static final String CF_CLIENT_AUTHORIZATION = "Basic Y2Y6";

    @ParentCommand
    private Strato strato;

    @Option(names = "--username", paramLabel = "<user>", description = "Prompted for when missing")
    private String username;

    @Option(names = "--password", paramLabel = "<password>",
            description = "Read from STRATO_PASSWORD or prompted for (hidden) when missing")
    private String password;

    @Override
    public void run() {
        Terminal terminal = strato.terminal();
        String target = strato.requireTarget();
        ApiClient anonymous = new ApiClient(target, null);
        JsonNode info = anonymous.get("/v2/info").body();
        String tokenEndpoint = info.path("token_endpoint").asText(target).replaceAll("/+$", "");

        String user = username != null ? username : terminal.prompt("Username: ");
        if (user == null || user.isBlank()) {
            throw new CliError("A username is needed: run `strato login --username <user>`");
        }
        String secret = password != null ? password : terminal.env("STRATO_PASSWORD");
        if (secret == null) {
            secret = terminal.promptSecret("Password: ");
        }
        if (secret == null) {
            throw new CliError("A password is needed: run `strato login` in a terminal or set STRATO_PASSWORD");
        }

        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("username", user.trim());
        form.put("password", secret);
        JsonNode token;
        try {
            token = anonymous.postForm(tokenEndpoint + "/oauth/token", form, CF_CLIENT_AUTHORIZATION).body();
        } catch (ApiError e) {
            if (e.status() == 400 || e.status() == 401 || e.status() == 403) {
                throw new CliError("Login failed: wrong username or password for " + target);
            }
            throw e;
        }
        String accessToken = token.path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new CliError("Login failed: " + tokenEndpoint + " returned no access_token");
        }
        Instant expiresAt = token.has("expires_in")
                ? Instant.now().plusSeconds(token.path("expires_in").asLong())
                : null;
        strato.configStore().save(strato.config().withLogin(user.trim(), accessToken, expiresAt));
        terminal.out().println("Logged in to " + target + " as " + user.trim());
    }
}
