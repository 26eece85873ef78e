package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.json.Json;
import io.strato.role.controller.tenancy.Caller;
import io.strato.role.controller.users.LoginThrottle;
import io.strato.role.controller.users.UserAccount;
import io.strato.role.controller.users.UserAccounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.ext.ExceptionMapper;
import org.apache.cxf.phase.PhaseInterceptorChain;

/**
 * UAA's SCIM user endpoints, as CF clients call them ({@code cf create-user}, {@code cf delete-user},
 * {@code cf passwd}, user look-ups by name). Everything but a user's change of its own password is for admins.
 * Errors are in UAA's form {@code {"error", "error_description"}}.
 *
 * <p>The controller keeps no e-mail addresses or real names: {@code emails} and {@code name} are accepted when a
 * user is created, and a user's {@code emails} are answered as its user name. Users created here are not admins.
 */
@Path("/Users")
@Produces(MediaType.APPLICATION_JSON)
public class ScimUserResource {

    static final List<String> SCHEMAS = List.of("urn:scim:schemas:core:1.0");
    private static final int MAX_COUNT = 500;
    // one or more "attribute eq value" joined by "and"; values in double or single quotes
    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*([A-Za-z.]+)\\s+eq\\s+(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)')\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern AND = Pattern.compile("\\s+and\\s+", Pattern.CASE_INSENSITIVE);

    private final UserAccounts users;
    private final LoginThrottle throttle;
    private final Predicate<String> trustedProxy;

    public ScimUserResource(UserAccounts users, LoginThrottle throttle, Predicate<String> trustedProxy) {
        this.users = users;
        this.throttle = throttle;
        this.trustedProxy = trustedProxy;
    }

    @POST
    @Allow(Op.CLOUD_ADMIN)
    @Consumes(MediaType.WILDCARD)
    public Response create(String body, @Context SecurityContext security) {
        requireAdmin(security);
        ObjectNode json = parse(body);
        String userName = text(json, "userName");
        String password = text(json, "password");
        if (userName == null || userName.isBlank()) {
            return error(400, "invalid_scim_resource", "A username must be provided.");
        }
        if (users.find(userName).isPresent()) {
            return error(409, "scim_resource_already_exists", "Username already in use: " + userName);
        }
        if (password == null || password.length() < UserAccounts.MIN_PASSWORD_LENGTH) {
            return error(400, "invalid_password", "Password must be at least " + UserAccounts.MIN_PASSWORD_LENGTH
                    + " characters in length.");
        }
        try {
            UserAccount user = users.add(userName, password, false);
            return Response.status(201).entity(shape(user)).build();
        } catch (IllegalArgumentException e) {
            if (users.find(userName).isPresent()) {
                return error(409, "scim_resource_already_exists", "Username already in use: " + userName);
            }
            return error(400, "invalid_scim_resource", e.getMessage());
        }
    }

    @GET
    @Allow(Op.CLOUD_ADMIN)
    public Response list(@QueryParam("filter") String filter, @QueryParam("startIndex") Integer startIndex,
                         @QueryParam("count") Integer count, @Context SecurityContext security) {
        requireAdmin(security);
        Predicate<UserAccount> matches;
        try {
            matches = filter(filter);
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_filter", e.getMessage());
        }
        List<UserAccount> all = users.list().stream().filter(matches).toList();
        int start = startIndex == null || startIndex < 1 ? 1 : startIndex;
        int size = count == null || count < 0 ? 100 : Math.min(count, MAX_COUNT);
        List<Object> page = new ArrayList<>();
        for (int i = start - 1; i < all.size() && page.size() < size; i++) {
            page.add(shape(all.get(i)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resources", page);
        body.put("startIndex", start);
        body.put("itemsPerPage", page.size());
        body.put("totalResults", all.size());
        body.put("schemas", SCHEMAS);
        return Response.ok(body).build();
    }

    @GET
    @Allow(Op.CLOUD_ADMIN)
    @Path("{id}")
    public Response get(@PathParam("id") String id, @Context SecurityContext security) {
        requireAdmin(security);
        return users.findByGuid(id).map(u -> Response.ok(shape(u)).build()).orElseGet(() -> notFound(id));
    }

    @DELETE
    @Allow(Op.CLOUD_ADMIN)
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @Context SecurityContext security) {
        requireAdmin(security);
        Optional<UserAccount> user = users.findByGuid(id);
        if (user.isEmpty()) {
            return notFound(id);
        }
        try {
            users.delete(user.get().name());
        } catch (IllegalArgumentException e) {
            return notFound(id);
        }
        return Response.ok(shape(user.get())).build();
    }

    /**
     * A user changes its own password with its old one (admins too); an admin changes anyone else's without.
     * Checking the old password counts as a login attempt for the {@link LoginThrottle}.
     */
    @PUT
    @Path("{id}/password")
    @Allow(Op.SELF_OR_ADMIN)
    @Consumes(MediaType.WILDCARD)
    public Response changePassword(@PathParam("id") String id, String body, @Context SecurityContext security) {
        Caller caller = Caller.of(security);
        ObjectNode json = parse(body);
        String oldPassword = text(json, "oldPassword");
        String password = text(json, "password");
        boolean own = caller.userGuid().equals(id);
        Optional<UserAccount> user = users.findByGuid(id);
        // another user's account is as unknown to a non-admin as one that does not exist
        if (user.isEmpty() || !own && !caller.admin()) {
            return notFound(id);
        }
        if (own) {
            String address = ClientAddress.of(PhaseInterceptorChain.getCurrentMessage(), trustedProxy);
            LoginThrottle.Decision decision = throttle.begin(caller.name(), address);
            if (decision instanceof LoginThrottle.Refused refused) {
                long seconds = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
                return Response.status(429).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", seconds)
                        .entity(Map.of("error", "too_many_requests", "error_description",
                                "Too many failed attempts; try again in " + seconds + " s")).build();
            }
            LoginThrottle.Attempt attempt = ((LoginThrottle.Allowed) decision).attempt();
            if (oldPassword == null || users.authenticate(caller.name(), oldPassword)
                    .filter(u -> u.guid().equals(id)).isEmpty()) {
                attempt.failed();
                return error(401, "unauthorized", "Old password is incorrect");
            }
            attempt.succeeded();
        }
        if (password == null || password.length() < UserAccounts.MIN_PASSWORD_LENGTH) {
            return error(400, "invalid_password", "Password must be at least " + UserAccounts.MIN_PASSWORD_LENGTH
                    + " characters in length.");
        }
        try {
            users.changePassword(user.get().name(), password);
        } catch (IllegalArgumentException e) {
            return notFound(id);
        }
        return Response.ok(Map.of("status", "ok", "message", "password updated")).build();
    }

    private static Predicate<UserAccount> filter(String filter) {
        if (filter == null || filter.isBlank()) {
            return u -> true;
        }
        Predicate<UserAccount> all = u -> true;
        for (String clause : AND.split(filter.trim())) {
            Matcher m = CLAUSE.matcher(clause);
            if (!m.matches()) {
                throw new IllegalArgumentException("Invalid filter expression: " + filter
                        + " (use attribute eq \"value\", joined by and)");
            }
            String value = (m.group(2) != null ? m.group(2) : m.group(3)).replaceAll("\\\\(.)", "$1");
            Predicate<UserAccount> p = switch (m.group(1).toLowerCase(Locale.ROOT)) {
                case "username" -> u -> u.name().equals(value);
                case "id" -> u -> u.guid().equals(value);
                case "origin" -> u -> "uaa".equalsIgnoreCase(value);
                default -> throw new IllegalArgumentException("Invalid filter attribute: " + m.group(1)
                        + " (userName, id and origin are supported)");
            };
            all = all.and(p);
        }
        return all;
    }

    private static Map<String, Object> shape(UserAccount user) {
        String created = Instant.ofEpochMilli(user.createdAt()).toString();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("version", user.tokenGeneration());
        meta.put("created", created);
        meta.put("lastModified", created);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", user.guid());
        body.put("externalId", user.name());
        body.put("meta", meta);
        body.put("userName", user.name());
        body.put("name", Map.of());
        body.put("emails", List.of(Map.of("value", user.name(), "primary", true)));
        body.put("groups", List.of());
        body.put("approvals", List.of());
        body.put("phoneNumbers", List.of());
        body.put("passwordLastModified", created);
        body.put("active", true);
        body.put("verified", true);
        body.put("origin", "uaa");
        body.put("zoneId", "uaa");
        body.put("schemas", SCHEMAS);
        return body;
    }

    private static void requireAdmin(SecurityContext security) {
        if (!Caller.of(security).admin()) {
            throw new ScimException(error(403, "access_denied", "Access is denied: only admins manage users"));
        }
    }

    private static ObjectNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : Json.mapper().readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // answered below
        }
        throw new ScimException(error(400, "invalid_scim_resource", "The request body must be a JSON object"));
    }

    private static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ScimException(error(400, "invalid_scim_resource", field + " must be a string"));
        }
        return v.asText();
    }

    private static Response notFound(String id) {
        return error(404, "scim_resource_not_found", "User " + id + " does not exist");
    }

    static Response error(int status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        body.put("message", description);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    /** A UAA-form answer raised from deep inside a method; {@link ScimExceptionMapper} sends it as it is. */
    static final class ScimException extends RuntimeException {
        private final transient Response response;

        ScimException(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** Sends a {@link ScimException}'s answer (registered with the controller's providers). */
    public static final class ScimExceptionMapper implements ExceptionMapper<ScimException> {
        @Override
        public Response toResponse(ScimException e) {
            return e.response;
        }
    }
}
