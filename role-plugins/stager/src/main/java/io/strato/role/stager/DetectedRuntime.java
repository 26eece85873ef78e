package io.strato.role.stager;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What staging found out about an app.
 *
 * @param buildpack    {@code nodejs}, {@code python}, {@code java}, {@code static} or {@code generic}
 * @param startCommand how the DEA starts the web process
 * @param installSteps commands that install the app's requirements, in order
 * @param env          variables the runtime needs at run time; values may refer to {@code ${STACKATO_APP_ROOT}}
 *                     and other instance variables, which the DEA expands
 */
record DetectedRuntime(String buildpack, String startCommand, List<InstallStep> installSteps, Map<String, String> env) {
    DetectedRuntime {
        Objects.requireNonNull(buildpack, "buildpack");
        Objects.requireNonNull(startCommand, "startCommand");
        installSteps = List.copyOf(installSteps);
        env = Map.copyOf(env);
    }

    /**
     * One requirement-installing command.
     *
     * @param header  the step line shown before it runs
     * @param command the shell command, run in the app directory
     * @param tool    the tool, for messages ({@code npm}, {@code pip})
     */
    record InstallStep(String header, String command, String tool) {
    }
}
