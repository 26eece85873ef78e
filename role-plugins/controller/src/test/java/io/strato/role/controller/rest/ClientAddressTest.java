package io.strato.role.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;
import org.junit.jupiter.api.Test;

class ClientAddressTest {


    private static Message message(String remote, String... forwardedFor) {
        Message m = new MessageImpl();
        m.put("HTTP.REQUEST", new ServletLike(remote));
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (forwardedFor.length > 0) {
            headers.put("x-forwarded-for", List.of(forwardedFor));
        }
        m.put(Message.PROTOCOL_HEADERS, headers);
        return m;
    }

    /** A request object whose remote address is found through javax.servlet.ServletRequest, as in a container. */
    static final class ServletLike extends javax.servlet.ServletRequestWrapper {
        private final String remote;

        ServletLike(String remote) {
            super((javax.servlet.ServletRequest) java.lang.reflect.Proxy.newProxyInstance(
                    ClientAddressTest.class.getClassLoader(), new Class<?>[] {javax.servlet.ServletRequest.class},
                    (proxy, method, args) -> null));
            this.remote = remote;
        }

        @Override
        public String getRemoteAddr() {
            return remote;
        }
    }

    @Test
    void aClientsForwardedForIsNotBelieved() {
        assertEquals("203.0.113.7", ClientAddress.of(message("203.0.113.7", "10.1.1.1"), a -> a.equals("10.0.0.2")));
        assertEquals("203.0.113.7", ClientAddress.of(message("203.0.113.7"), a -> true));
    }

    @Test
    void aRouterOfTheClusterTellsTheAddressItSawAsTheLastEntry() {
        assertEquals("198.51.100.4", ClientAddress.of(message("10.0.0.2", "1.2.3.4, 198.51.100.4"), a -> a.equals("10.0.0.2")),
                "the entries before the router's own were written by the client");
        assertEquals("198.51.100.5", ClientAddress.of(message("10.0.0.2", "1.2.3.4", "198.51.100.5"), a -> a.equals("10.0.0.2")));
        assertEquals("10.0.0.2", ClientAddress.of(message("10.0.0.2"), a -> a.equals("10.0.0.2")));
    }

    @Test
    void withoutARequestTheAddressIsUnknown() {
        assertEquals(ClientAddress.UNKNOWN, ClientAddress.of(new MessageImpl(), a -> true));
        assertEquals(ClientAddress.UNKNOWN, ClientAddress.of(null, a -> true));
        assertNull(ClientAddress.lastForwardedFor((List<String>) null));
    }
}
