package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Caller;
import io.strato.role.controller.users.TokenService;
import io.strato.role.controller.users.UserAccount;
import io.strato.role.controller.users.UserAccounts;
import java.security.Principal;
import java.util.Optional;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.SecurityContext;

/**
 * Requires a valid bearer token on every endpoint except the root document, /v2/info, /oauth/token, /token_keys (and the internal blob
 * endpoints, which check the cluster's own credential). A token names its user by guid and carries the user's
 * token generation; it is valid while unexpired, while that very user exists (not merely one of the same name)
 * and while the generation is the user's current one. The user is read from the database on every request, so
 * deleting a user or changing a password ends its tokens at once on every controller that shares the database.
 * The SCIM endpoints ({@code /Users}) are refused in UAA's error form, the rest in the Cloud Controller's.
 */
@PreMatching
public final class AuthFilter implements ContainerRequestFilter {

    public static final String ADMIN_ROLE = "admin";
    private static final String BEARER = "bearer ";

    private final TokenService tokens;
    private final UserAccounts users;

    public AuthFilter(TokenService tokens, UserAccounts users) {
        this.tokens = tokens;
        this.users = users;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        path = path.startsWith("/") ? path.substring(1) : path;
        boolean open = path.isEmpty() || path.equals("v2/info") || path.equals("oauth/token") || path.equals("token_keys")
                || path.startsWith("internal/");
        Optional<UserAccount> user = user(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (user.isPresent()) {
            request.setSecurityContext(new UserContext(user.get(), request.getSecurityContext().isSecure()));
        } else if (path.equals("Users") || path.startsWith("Users/")) {
            request.abortWith(ScimUserResource.error(401, "invalid_token", "Invalid or missing access token"));
        } else if (!open) {
            request.abortWith(Errors.response(CfException.invalidAuthToken()));
        }
    }

    /** The user a request's {@code Authorization} header ({@code bearer <token>}) names, while its token is valid. */
    public Optional<UserAccount> user(String authorization) {
        return bearer(authorization)
                .flatMap(tokens::verify)
                .flatMap(subject -> users.findByGuid(subject.userGuid()).filter(subject::matches));
    }

    private static Optional<String> bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(BEARER.length()).trim());
    }

    private record UserContext(UserAccount user, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return new Caller(user.guid(), user.name(), user.admin());
        }

        @Override
        public boolean isUserInRole(String role) {
            return ADMIN_ROLE.equals(role) && user.admin();
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
