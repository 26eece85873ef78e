package io.strato.api.role;

/** Names the whole cluster agrees on. */
public final class RoleNames {
    public static final String BASE = "base";
    public static final String PRIMARY = "primary";

    /** Feature name prefix of roles: {@code strato-role-<name>}. */
    public static final String ROLE_FEATURE_PREFIX = "strato-role-";
    /** Feature name prefix of data-service roles: {@code strato-service-<name>}. */
    public static final String SERVICE_FEATURE_PREFIX = "strato-service-";
    /** Feature name prefix of role groups: {@code strato-group-<name>}. */
    public static final String GROUP_FEATURE_PREFIX = "strato-group-";

    private RoleNames() {
    }
}
