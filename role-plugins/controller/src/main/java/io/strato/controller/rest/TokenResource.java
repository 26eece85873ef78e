package io.strato.controller.rest;

import io.strato.controller.tenancy.Allow;
import io.strato.controller.tenancy.Op;
import io.strato.controller.users.TokenService;
import io.strato.controller.users.UserAccounts;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.ws.rs.Consumes;
import javax.ws.rs.FormParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code POST /oauth/token}: the UAA password grant, which CF clients use to log in. The client credentials
 * they send (Basic {@code cf:}) are accepted and ignored; errors are in UAA's form, not the controller's.
 */
@Path("/oauth/token")
public class TokenResource {

    private final TokenService tokens;
    private final UserAccounts users;

    public TokenResource(TokenService tokens, UserAccounts users) {
        this.tokens = tokens;
        this.users = users;
    }

    @POST
    @Allow(Op.PUBLIC)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(@FormParam("grant_type") String grantType, @FormParam("username") String username,
                          @FormParam("password") String password) {
        if (!"password".equals(grantType)) {
            return error(400, "unsupported_grant_type", "Only the password grant is supported");
        }
        return users.authenticate(username, password).map(user -> {
            TokenService.Token token = tokens.issue(user);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("access_token", token.accessToken());
            body.put("token_type", "bearer");
            body.put("expires_in", token.expiresInSeconds());
            body.put("scope", String.join(" ", TokenService.SCOPES));
            body.put("jti", token.jti());
            return Response.ok(body).header("Cache-Control", "no-store").build();
        }).orElseGet(() -> error(401, "unauthorized", "Bad credentials"));
    }

    private static Response error(int status, String error, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", error, "error_description", description)).build();
    }
}
