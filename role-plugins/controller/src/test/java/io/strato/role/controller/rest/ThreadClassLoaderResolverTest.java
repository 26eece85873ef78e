package io.strato.role.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.resource.ResourceManager;
import org.apache.cxf.resource.ResourceResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CXF's servlet asks the bus for a class loader on every request: answered at once, with the thread's own. */
class ThreadClassLoaderResolverTest {

    private final Bus bus = BusFactory.newInstance().createBus();
    private final ResourceManager resources = bus.getExtension(ResourceManager.class);

    @AfterEach
    void shutdown() {
        bus.shutdown(true);
    }

    @Test
    void theRequestThreadsClassLoaderIsTheAnswerAndNoOtherResolverIsAsked() {
        AtomicInteger searched = new AtomicInteger();
        resources.addResourceResolver(new ResourceResolver() {
            @Override
            public <T> T resolve(String name, Class<T> type) {
                searched.incrementAndGet(); // stands for the bundle class loaders' search for a resource ""
                return null;
            }

            @Override
            public InputStream getAsStream(String name) {
                return null;
            }
        });
        ThreadClassLoaderResolver resolver = ThreadClassLoaderResolver.install(bus);
        int before = searched.get();

        ClassLoader requestLoader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(requestLoader);
        try {
            for (int request = 0; request < 3; request++) {
                assertSame(requestLoader, resources.resolveResource("", ClassLoader.class));
            }
        } finally {
            Thread.currentThread().setContextClassLoader(original);
        }
        assertEquals(before, searched.get(), "the other resolvers were not searched");
        assertNull(resources.resolveResource("other", ClassLoader.class), "other lookups go on as before");
        assertEquals(before + 1, searched.get());

        resolver.remove(bus);
        resources.resolveResource("", ClassLoader.class);
        assertEquals(before + 2, searched.get(), "removed: lookups reach the others again");
    }
}
