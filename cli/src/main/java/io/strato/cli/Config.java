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
 * @param refreshToken   exchanged for a new access token when the old one expires
 * @param orgGuid        the targeted organization
 * @param orgName        its name, for display
 * @param spaceGuid      the targeted space, where space-scoped commands work
 * @param spaceName      its name, for display
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Config(String target, String user, String token, Long tokenExpiresAt, String refreshToken,
                     String orgGuid, String orgName, String spaceGuid, String spaceName) {

    public static final Config EMPTY = new Config(null, null, null, null);

    public Config(String target, String user, String token, Long tokenExpiresAt) {
        this(target, user, token, tokenExpiresAt, null, null, null, null, null);
    }

    /** A new target invalidates the login and the org/space: they only mean something at one controller. */
    public Config withTarget(String newTarget) {
        return newTarget.equals(target) ? this : new Config(newTarget, null, null, null);
    }

    /** A new login starts without an org or space: another user may not see the old ones. */
    public Config withLogin(String newUser, String newToken, Instant expiresAt) {
        return withLogin(newUser, newToken, null, expiresAt);
    }

    public Config withLogin(String newUser, String newToken, String newRefreshToken, Instant expiresAt) {
        return new Config(target, newUser, newToken, epoch(expiresAt), newRefreshToken, null, null, null, null);
    }

    /** The same login with fresh tokens (after a refresh or a password change); the target org/space stay. */
    public Config withTokens(String newToken, String newRefreshToken, Instant expiresAt) {
        return new Config(target, user, newToken, epoch(expiresAt),
                newRefreshToken != null ? newRefreshToken : refreshToken, orgGuid, orgName, spaceGuid, spaceName);
    }

    /** Targets an org; the space is cleared, since it belonged to the old org. */
    public Config withOrg(String guid, String name) {
        return new Config(target, user, token, tokenExpiresAt, refreshToken, guid, name, null, null);
    }

    public Config withSpace(String guid, String name) {
        return new Config(target, user, token, tokenExpiresAt, refreshToken, orgGuid, orgName, guid, name);
    }

    public Config loggedOut() {
        return new Config(target, null, null, null);
    }

    public boolean tokenExpired(Instant now) {
        return tokenExpiresAt != null && now.getEpochSecond() >= tokenExpiresAt;
    }

    private static Long epoch(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }
}
