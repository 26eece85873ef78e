package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.sandbox.UidRange;
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
        assertEquals(new UidRange(20000, 29999), ControllerRole.appUids(config(Map.of())));
        assertEquals(new UidRange(5000, 5999),
                ControllerRole.appUids(config(Map.of("appUidRange", "5000-5999"))));
    }

    @Test
    void aBadUidRangeStopsTheControllerWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControllerRole.appUids(config(Map.of("appUidRange", "30000-20000"))));
        assertTrue(e.getMessage().startsWith("controller not started: appUidRange '30000-20000' is refused: "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; fix it in etc/io.strato.controller.cfg"), e.getMessage());
        assertEquals("controller not started: appUidRange '60000-70000' is refused: it goes above 65533 (65534 is"
                + " nobody; service brokers take uids up to 65535); fix it in etc/io.strato.controller.cfg",
                assertThrows(IllegalArgumentException.class,
                        () -> ControllerRole.appUids(config(Map.of("appUidRange", "60000-70000")))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ControllerRole.appUids(config(Map.of("appUidRange", "500-900"))));
        assertThrows(IllegalArgumentException.class, () -> ControllerRole.appUids(config(Map.of("appUidRange", "20000"))));
    }
}
