package io.strato.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * What the client remembers between runs.
 *
 * @param target         controller base URL, without a trailing slash
 * @param user           who logged in, for display only
 * @param token          bearer access token
 * @param tokenExpiresAt epoch seconds after which the token is no longer accepted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Config(String target, String user, String token, Long tokenExpiresAt) {

    public static final Config EMPTY = new Config(null, null, null, null);

    /** A new target invalidates the login: a token is only good at the controller that issued it. */
    public Config withTarget(String newTarget) {
        return newTarget.equals(target) ? this : new Config(newTarget, null, null, null);
    }

    public Config withLogin(String newUser, String newToken, Instant expiresAt) {
        return new Config(target, newUser, newToken, expiresAt == null ? null : expiresAt.getEpochSecond());
    }

    public Config loggedOut() {
        return new Config(target, null, null, null);
    }

    public boolean tokenExpired(Instant now) {
        return tokenExpiresAt != null && now.getEpochSecond() >= tokenExpiresAt;
    }
}
