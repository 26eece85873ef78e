package io.strato.api.app;

import java.util.List;
import java.util.Objects;

/**
 * What the health manager knows about an app beyond its instances: why instances cannot be placed, and
 * which indexes crash so often that their restarts are delayed (FLAPPING). Written by the acting health
 * manager to {@link Channels#APP_HEALTH} while there is something to report.
 *
 * @param appGuid  the app
 * @param problem  why some instances are not running (e.g. "insufficient memory on all DEAs"), or null
 * @param flapping indexes in crash back-off
 */
public record AppHealth(String appGuid, String problem, List<Flapping> flapping) {

    public AppHealth {
        Objects.requireNonNull(appGuid, "appGuid");
        flapping = flapping == null ? List.of() : List.copyOf(flapping);
    }

    /**
     * One index in back-off.
     *
     * @param index         instance index
     * @param crashes       crashes counted since it last ran steadily
     * @param nextRestartAt when it is started again (epoch millis)
     */
    public record Flapping(int index, int crashes, long nextRestartAt) {
    }

    public boolean isEmpty() {
        return problem == null && flapping.isEmpty();
    }
}
