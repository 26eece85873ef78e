package io.strato.api.app;

import java.util.List;

/**
 * Host names under the app domain that the controller answers itself: {@code api.<domain>} (the REST API) and
 * {@code console.<domain>} (the Management Console). Controllers route them to their own HTTP port and no app
 * may take them.
 */
public final class PlatformHosts {

    public static final String API = "api";
    public static final String CONSOLE = "console";
    /** Where the Management Console is served on a controller node's HTTP port. */
    public static final String CONSOLE_PATH = "/console/";
    public static final List<String> ALL = List.of(API, CONSOLE);

    private PlatformHosts() {
    }
}
