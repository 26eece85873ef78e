package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.users.LoginThrottle;
import io.strato.role.controller.users.TokenService;
import io.strato.role.controller.users.UserAccount;
import io.strato.role.controller.users.UserAccounts;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.ws.rs.Consumes;
import javax.ws.rs.FormParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.apache.cxf.continuations.ContinuationProvider;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.PhaseInterceptorChain;

/**
 * {@code POST /oauth/token}: UAA's password and refresh-token grants, which CF clients use to log in and to stay
 * logged in. The client credentials they send (Basic {@code cf:}) are accepted and ignored; errors are in UAA's
 * form, not the controller's.
 *
 * <p>Password logins go through a {@link LoginThrottle}, per user name and per client address (see
 * {@link ClientAddress} for which address that is). A locked-out name or address gets {@code 429} with
 * {@code Retry-After} before its password is hashed. Slowed-down answers wait without holding a request thread
 * when the HTTP transport can suspend requests; otherwise the request thread waits, at most {@link #MAX_BLOCKING_DELAY}.
 */
@Path("/oauth/token")
public class TokenResource {

    /** The longest a request thread is held back when the transport cannot suspend the request. */
    static final Duration MAX_BLOCKING_DELAY = Duration.ofSeconds(1);
    private static final int MAX_USER_NAME = 255;

    private final TokenService tokens;
    private final UserAccounts users;
    private final LoginThrottle throttle;
    private final Predicate<String> trustedProxy;

    public TokenResource(TokenService tokens, UserAccounts users, LoginThrottle throttle, Predicate<String> trustedProxy) {
        this.tokens = tokens;
        this.users = users;
        this.throttle = throttle;
        this.trustedProxy = trustedProxy;
    }

    /** Which connections may tell the client's address in X-Forwarded-For: those from the cluster's nodes. */
    public static Predicate<String> trustedProxies(io.strato.api.cluster.ClusterView cluster) {
        return ClientAddress.clusterNodes(cluster);
    }

    /** Answers a {@code Response}, or a {@code CompletionStage<Response>} when the answer is held back. */
    @POST
    @Allow(Op.PUBLIC)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Object token(@FormParam("grant_type") String grantType, @FormParam("username") String username,
                        @FormParam("password") String password, @FormParam("refresh_token") String refreshToken) {
        if ("refresh_token".equals(grantType)) {
            return refresh(refreshToken);
        }
        if (!"password".equals(grantType)) {
            return error(400, "unsupported_grant_type", "Unsupported grant type: " + grantType);
        }
        // no user has a longer name (see UserAccounts.add); such a name is refused before it is counted or hashed
        if (username == null || username.isEmpty() || username.length() > MAX_USER_NAME || password == null) {
            return error(401, "unauthorized", "Bad credentials");
        }
        Message message = PhaseInterceptorChain.getCurrentMessage();
        String address = ClientAddress.of(message, trustedProxy);
        LoginThrottle.Decision decision = throttle.begin(username, address);
        if (decision instanceof LoginThrottle.Refused refused) {
            return tooManyRequests(refused.retryAfter());
        }
        LoginThrottle.Allowed allowed = (LoginThrottle.Allowed) decision;
        Optional<UserAccount> user = users.authenticate(username, password);
        Response answer;
        if (user.isPresent()) {
            allowed.attempt().succeeded();
            answer = granted(user.get(), "password");
        } else {
            allowed.attempt().failed();
            answer = error(401, "unauthorized", "Bad credentials");
        }
        return later(answer, allowed.delay(), message);
    }

    private Response refresh(String refreshToken) {
        Optional<UserAccount> user = tokens.verifyRefresh(refreshToken)
                .flatMap(subject -> users.findByGuid(subject.userGuid()).filter(subject::matches));
        return user.map(u -> granted(u, "refresh_token"))
                .orElseGet(() -> error(401, "invalid_token", "Invalid refresh token: expired, revoked or not a refresh token"));
    }

    private Response granted(UserAccount user, String grantType) {
        TokenService.Token token = tokens.issue(user, grantType);
        TokenService.Token refresh = tokens.issueRefresh(user);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.accessToken());
        body.put("token_type", "bearer");
        body.put("refresh_token", refresh.value());
        body.put("expires_in", token.expiresInSeconds());
        body.put("scope", String.join(" ", TokenService.scopes(user)));
        body.put("jti", token.jti());
        return Response.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    /** {@code answer} after {@code delay}: suspended when the transport can, else on this thread (capped). */
    private static Object later(Response answer, Duration delay, Message message) {
        if (delay.isZero() || delay.isNegative()) {
            return answer;
        }
        if (message != null && message.get(ContinuationProvider.class.getName()) != null) {
            Executor after = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> answer, after);
        }
        try {
            Thread.sleep(Math.min(delay.toMillis(), MAX_BLOCKING_DELAY.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answer;
    }

    private static Response tooManyRequests(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return Response.status(429).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", seconds)
                .entity(Map.of("error", "too_many_requests", "error_description",
                        "Too many failed logins for this user or from this address; try again in " + seconds + " s"))
                .build();
    }

    static Response error(int status, String error, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", error, "error_description", description)).build();
    }
}
