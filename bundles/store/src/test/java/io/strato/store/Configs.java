package io.strato.store;

import java.lang.annotation.Annotation;
import java.util.Map;

/** A {@link StoreConfig} as Config Admin would hand it over: the given keys, defaults for the rest. */
final class Configs {

    private Configs() {
    }

    static StoreConfig of(Map<String, Object> values) {
        return new StoreConfig() {
            private Object get(String key, Object fallback) {
                return values.getOrDefault(key, fallback);
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreConfig.class;
            }

            @Override
            public String mode() {
                return (String) get("mode", "embedded");
            }

            @Override
            public String url() {
                return (String) get("url", "");
            }

            @Override
            public String user() {
                return (String) get("user", "");
            }

            @Override
            public String password() {
                return (String) get("password", "");
            }

            @Override
            public String dataSourceFactory_target() {
                return StoreComponent.DERBY_EMBEDDED;
            }

            @Override
            public String serverHost() {
                return (String) get("serverHost", "");
            }

            @Override
            public int serverPort() {
                return (Integer) get("serverPort", StoreComponent.DEFAULT_SERVER_PORT);
            }

            @Override
            public int poolSize() {
                return (Integer) get("poolSize", 10);
            }
        };
    }
}
