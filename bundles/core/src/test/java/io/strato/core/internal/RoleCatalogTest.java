package io.strato.core.internal;

import io.strato.api.role.RoleException;
import io.strato.api.role.RoleGroup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleCatalogTest {

    private static RoleCatalog.FeatureInfo feature(String name, String... deps) {
        return new RoleCatalog.FeatureInfo(name, name + " description", List.of(deps));
    }

    private final List<RoleCatalog.FeatureInfo> features = List.of(
            feature("strato-core", "scr", "cellar"),
            feature("strato-store", "strato-core", "jdbc"),
            feature("strato-role-base", "strato-core"),
            feature("strato-role-primary", "strato-core", "strato-store"),
            feature("strato-role-controller", "strato-core", "cxf-jaxrs"),
            feature("strato-service-redis", "strato-core"),
            feature("strato-group-controller", "strato-role-primary", "strato-role-controller"),
            feature("strato-group-micro-cloud", "strato-role-base", "strato-group-controller", "strato-service-redis"));

    @Test
    void rolesAndServicesComeFromFeatureNames() {
        RoleCatalog catalog = new RoleCatalog(features, Map.of());
        assertEquals(List.of("base", "controller", "primary", "redis"), List.copyOf(catalog.roles().keySet()));
        assertEquals("strato-service-redis", catalog.feature("redis"));
        assertFalse(catalog.roles().containsKey("core"));
    }

    @Test
    void featureGroupsExpandNestedGroupsInOrder() {
        RoleCatalog catalog = new RoleCatalog(features, Map.of());
        assertEquals(List.of("base", "primary", "controller", "redis"), catalog.groups().get("micro-cloud").roles());
        assertEquals(List.of("primary", "controller"), catalog.groups().get("controller").roles());
    }

    @Test
    void expandingMixesRolesAndGroupsWithoutDuplicates() throws RoleException {
        RoleCatalog catalog = new RoleCatalog(features, Map.of());
        assertEquals(List.of("redis", "base", "primary", "controller"), catalog.expand(List.of("redis", "micro-cloud")));
    }

    @Test
    void configuredGroupsAreUsableAndNamedByOrigin() throws RoleException {
        RoleCatalog catalog = new RoleCatalog(features, Map.of("web-tier", "controller, primary"));
        RoleGroup group = catalog.groups().get("web-tier");
        assertEquals(RoleCatalog.CONFIG_ORIGIN, group.origin());
        assertEquals(List.of("controller", "primary"), catalog.expand(List.of("web-tier")));
    }

    @Test
    void unknownNamesAreRefusedNamingTheValidOnes() {
        RoleCatalog catalog = new RoleCatalog(features, Map.of("broken", "controller, nosuchrole"));
        RoleException unknown = assertThrows(RoleException.class, () -> catalog.expand(List.of("dae")));
        assertEquals("unknown role or group: dae; valid roles: base, controller, primary, redis; groups: broken, controller, micro-cloud",
                unknown.getMessage());
        RoleException badGroup = assertThrows(RoleException.class, () -> catalog.expand(List.of("broken")));
        assertTrue(badGroup.getMessage().contains("names unknown role nosuchrole"), badGroup.getMessage());
        assertThrows(RoleException.class, () -> catalog.requireRoles(List.of("micro-cloud")));
    }
}
