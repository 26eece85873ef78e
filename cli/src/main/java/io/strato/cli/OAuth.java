package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The controller's token endpoint: password and refresh-token grants for the public client "cf". */
public final class OAuth {

    /** HTTP Basic for the public client "cf" with an empty secret, as every CF v2 CLI sends. */
    static final String CF_CLIENT_AUTHORIZATION = "Basic Y2Y6";

    /** One token answer: the access token, the refresh token when the server gave one, and the expiry. */
    public record Tokens(String accessToken, String refreshToken, Instant expiresAt) {
    }

    private final String target;
    private final ApiClient anonymous;

    public OAuth(String target) {
        this.target = target;
        this.anonymous = new ApiClient(target, null);
    }

    /** The {@code token_endpoint} of {@code /v2/info}, or the target when it names none. */
    public String endpoint() {
        return anonymous.get("/v2/info").body().path("token_endpoint").asText(target).replaceAll("/+$", "");
    }

    public Tokens password(String endpoint, String user, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("username", user);
        form.put("password", password);
        return grant(endpoint, form);
    }

    public Tokens refresh(String endpoint, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return grant(endpoint, form);
    }

    private Tokens grant(String endpoint, Map<String, String> form) {
        JsonNode token = anonymous.postForm(endpoint + "/oauth/token", form, CF_CLIENT_AUTHORIZATION).body();
        String accessToken = token.path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new CliError("Login failed: " + endpoint + " returned no access_token");
        }
        String refreshToken = token.path("refresh_token").asText("");
        Instant expiresAt = token.has("expires_in") ? Instant.now().plusSeconds(token.path("expires_in").asLong()) : null;
        return new Tokens(accessToken, refreshToken.isEmpty() ? null : refreshToken, expiresAt);
    }

    /** The claims of a JWT access token (unverified: only for the client's own use), or a missing node. */
    public static JsonNode claims(String accessToken) {
        if (accessToken == null) {
            return MissingNode.getInstance();
        }
        String[] parts = accessToken.split("\\.");
        if (parts.length < 2) {
            return MissingNode.getInstance();
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(parts[1].replace('+', '-').replace('/', '_').replace("=", ""));
            return ApiClient.JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IOException e) {
            return MissingNode.getInstance();
        }
    }
}
