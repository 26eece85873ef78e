package io.strato.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A feature installs the store's .cfg with every key commented out: the configuration that appears then says what
 * the store already does, and must not close the databases under the components using them.
 */
class StoreSettingsTest {

    @Test
    void aConfigurationWithTheSameSettingsChangesNothingAndAnyRealChangeDoes() {
        StoreConfig defaults = Configs.of(Map.of());
        assertTrue(StoreComponent.sameSettings(defaults, Configs.of(Map.of("mode", "embedded", "serverPort", 1527))));
        assertFalse(StoreComponent.sameSettings(defaults, Configs.of(Map.of("mode", "server"))));
        assertFalse(StoreComponent.sameSettings(defaults, Configs.of(Map.of("serverPort", 1528))));
        assertFalse(StoreComponent.sameSettings(defaults, Configs.of(Map.of("mode", "url", "url", "jdbc:postgresql://db/x"))));
        assertFalse(StoreComponent.sameSettings(defaults, Configs.of(Map.of("poolSize", 20))));
    }
}
