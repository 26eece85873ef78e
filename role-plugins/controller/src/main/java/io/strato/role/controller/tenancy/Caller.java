package io.strato.role.controller.tenancy;

import java.security.Principal;
import java.util.Objects;
import javax.ws.rs.core.SecurityContext;

/** The user a request is made by, as the request's principal: its stable guid, its name and whether it is an admin. */
public record Caller(String userGuid, String name, boolean admin) implements Principal {

    public Caller {
        Objects.requireNonNull(userGuid, "userGuid");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }

    /** The caller of an authenticated request (every endpoint but the open ones has one). */
    public static Caller of(SecurityContext security) {
        if (security != null && security.getUserPrincipal() instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException("no authenticated caller on this request");
    }
}
