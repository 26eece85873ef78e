package io.strato.role.controller.rest;

import io.strato.api.cluster.ClusterView;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Predicate;
import org.apache.cxf.message.Message;

/**
 * The address a request comes from, for throttling logins. It is the address of the connection, as the servlet
 * container (or CXF's HTTP transport) saw it. {@code X-Forwarded-For} is trusted only when the connection comes
 * from a node of the cluster: API requests that arrive through {@code api.<domain>} pass the cluster's router,
 * which appends the address of its own client to that header, so the last entry is the one the router saw.
 * Entries before it were written by the client and are never believed. Apps cannot connect to the controller
 * from a node's address (the sandbox's network rules keep them off the node's ports).
 */
final class ClientAddress {

    static final String UNKNOWN = "unknown";

    private ClientAddress() {
    }

    /** Trusts forwarding from the cluster's live nodes (routers run on them). */
    static Predicate<String> clusterNodes(ClusterView cluster) {
        return address -> cluster.nodes().stream().anyMatch(node -> node.address().equals(address));
    }

    /** The client's address for {@code message}, or {@value #UNKNOWN}. */
    static String of(Message message, Predicate<String> trustedProxy) {
        String remote = remoteAddress(message);
        if (remote == null) {
            return UNKNOWN;
        }
        if (trustedProxy.test(remote)) {
            String forwarded = lastForwardedFor(message);
            if (forwarded != null) {
                return forwarded;
            }
        }
        return remote;
    }

    /** The last entry of the X-Forwarded-For headers: the one the nearest proxy added. */
    static String lastForwardedFor(List<String> headers) {
        String last = null;
        if (headers != null) {
            for (String header : headers) {
                for (String entry : header.split(",")) {
                    if (!entry.isBlank()) {
                        last = entry.trim();
                    }
                }
            }
        }
        return last;
    }

    @SuppressWarnings("unchecked")
    private static String lastForwardedFor(Message message) {
        Object headers = message.get(Message.PROTOCOL_HEADERS);
        if (headers instanceof java.util.Map<?, ?> map) {
            for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getKey() instanceof String name && name.equalsIgnoreCase("X-Forwarded-For")
                        && e.getValue() instanceof List<?> values) {
                    return lastForwardedFor((List<String>) values);
                }
            }
        }
        return null;
    }

    /** {@code ServletRequest.getRemoteAddr()} of the request CXF was handed (the servlet API is not imported here). */
    private static String remoteAddress(Message message) {
        Object request = message == null ? null : message.get("HTTP.REQUEST");
        if (request == null) {
            return null;
        }
        try {
            Method method = publicMethod(request.getClass());
            Object address = method == null ? null : method.invoke(request);
            return address instanceof String s && !s.isBlank() ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Method publicMethod(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                Method m = interfaceMethod(i);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    private static Method interfaceMethod(Class<?> type) {
        if (type.getName().equals("javax.servlet.ServletRequest") || type.getName().equals("jakarta.servlet.ServletRequest")) {
            try {
                return type.getMethod("getRemoteAddr");
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
        for (Class<?> parent : type.getInterfaces()) {
            Method m = interfaceMethod(parent);
            if (m != null) {
                return m;
            }
        }
        return null;
    }
}
