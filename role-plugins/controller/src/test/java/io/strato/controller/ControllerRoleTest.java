package io.strato.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strato.controller.apps.AppUidRange;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the controller makes of its configuration. */
class ControllerRoleTest {

    /** The configuration as Config Admin would hand it over: these values, the rest defaults. */
    private static ControllerConfig config(Map<String, Object> values) {
        return (ControllerConfig) Proxy.newProxyInstance(ControllerConfig.class.getClassLoader(),
                new Class<?>[] {ControllerConfig.class},
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    @Test
    void appsGetUidsFromTheConfiguredRange() {
        assertEquals(new AppUidRange(20000, 29999), ControllerRole.appUids(config(Map.of())));
        assertEquals(new AppUidRange(5000, 5999),
                ControllerRole.appUids(config(Map.of("appUidRange", "5000-5999"))));
    }

    @Test
    void aBadUidRangeStopsTheControllerWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControllerRole.appUids(config(Map.of("appUidRange", "30000-20000"))));
        assertEquals("controller not started: appUidRange 30000-20000 is empty: its first uid is above its last;"
                + " fix appUidRange in etc/io.strato.controller.cfg", e.getMessage());
    }
}
