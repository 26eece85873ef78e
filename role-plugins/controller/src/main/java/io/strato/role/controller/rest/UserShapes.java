package io.strato.role.controller.rest;

import io.strato.role.controller.users.UserAccount;
import java.util.LinkedHashMap;
import java.util.Map;

/** Users in their Cloud Controller v2 shape. */
final class UserShapes {

    private UserShapes() {
    }

    static Map<String, Object> user(UserAccount u) {
        String url = "/v2/users/" + u.guid();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("admin", u.admin());
        e.put("active", true);
        e.put("default_space_guid", null);
        e.put("username", u.name());
        e.put("spaces_url", url + "/spaces");
        e.put("organizations_url", url + "/organizations");
        e.put("managed_organizations_url", url + "/managed_organizations");
        e.put("audited_organizations_url", url + "/audited_organizations");
        e.put("managed_spaces_url", url + "/managed_spaces");
        e.put("audited_spaces_url", url + "/audited_spaces");
        return Shapes.resource(u.guid(), url, u.createdAt(), u.createdAt(), e);
    }
}
