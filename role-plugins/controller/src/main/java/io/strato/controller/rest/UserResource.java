package io.strato.controller.rest;

import io.strato.controller.users.UserAccount;
import io.strato.controller.users.UserAccounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

/** {@code GET /v2/users}: admins only; users are added with {@code kato:user-add}. */
@Path("/v2/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private final UserAccounts users;

    public UserResource(UserAccounts users) {
        this.users = users;
    }

    @GET
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        if (!security.isUserInRole(AuthFilter.ADMIN_ROLE)) {
            throw CfException.notAuthorized();
        }
        List<UserAccount> all = users.list();
        return Shapes.page(uri, new Shapes.Paging(1, Math.max(1, all.size())), all.size(), all, u -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("username", u.name());
            e.put("admin", u.admin());
            e.put("active", true);
            return Shapes.resource(u.name(), "/v2/users/" + u.name(), u.createdAt(), u.createdAt(), e);
        });
    }
}
