package io.strato.api.service;

import java.util.Objects;

/**
 * One app's binding to a service instance, as the broker hands it to {@link ServicePlugin#bind} and
 * {@link ServicePlugin#unbind}. The app's uid is what a plugin grants access to where its server cannot tell
 * apps apart by credentials: a port rule ({@code io.strato.api.net.PortGuard}), a directory's ACL.
 *
 * @param bindingId the binding's id (a guid chosen by the controller)
 * @param appGuid   the bound app's guid; empty when the platform did not say
 * @param appUid    the uid the app's instances run as on the DEAs (1..65535); {@link #UNKNOWN_UID} only for a
 *                  binding recorded before the platform sent uids, whose unbind has no uid to revoke
 */
public record ServiceBinding(String bindingId, String appGuid, int appUid) {

    /** The uid of a binding made before bind requests carried one. Never granted anything. */
    public static final int UNKNOWN_UID = 0;

    public ServiceBinding {
        Objects.requireNonNull(bindingId, "bindingId");
        appGuid = appGuid == null ? "" : appGuid;
        if (appUid != UNKNOWN_UID && !isAppUid(appUid)) {
            throw new IllegalArgumentException("not an app uid: " + appUid + " (must be 1..65535)");
        }
    }

    /** Whether {@code uid} may be an app's uid: 1..65535 (never root). */
    public static boolean isAppUid(long uid) {
        return uid >= 1 && uid <= 65535;
    }

    /** Whether the app's uid is known, i.e. the binding may be granted access by uid. */
    public boolean hasAppUid() {
        return appUid != UNKNOWN_UID;
    }
}
