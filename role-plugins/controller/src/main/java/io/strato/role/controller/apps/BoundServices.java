package io.strato.role.controller.apps;

import java.util.Map;

/** What an app's instances get from the services bound to it, for their start orders. */
public interface BoundServices {

    /** Variables such as DATABASE_URL; the app's own environment_json wins over them. */
    Map<String, String> environment(String appGuid);

    /** VCAP_SERVICES as JSON text. */
    String vcapServices(String appGuid);
}
