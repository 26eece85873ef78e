package io.strato.core.internal;

import io.strato.api.role.RoleState;

import java.util.Map;

/** This node's installed roles and their state; the cluster side of core publishes them. */
interface LocalRoles {

    /** Installed roles → state. */
    Map<String, RoleState> states();

    /**
     * The cluster refused a role on this node: remember why (for status and the shell) and roll its
     * feature back.
     */
    void refuse(String role, String reason);

    /**
     * A role whose feature stays installed but which must not act (the primary that stepped down): shown as
     * REFUSED with the reason until the role is removed.
     */
    void standBy(String role, String reason);

    /** Roles refused lately → why. */
    Map<String, String> refusals();
}
