package io.strato.role.router;

import io.strato.api.app.RouteEntry;

import java.net.InetSocketAddress;

/**
 * One instance a host can be proxied to, with its address resolved once when the route arrives.
 */
record Backend(RouteEntry route, InetSocketAddress address) {

    static Backend of(RouteEntry route) {
        return new Backend(route, new InetSocketAddress(route.address(), route.port()));
    }

    String instanceId() {
        return route.instanceId();
    }

    /** For logs: "instance 3f2a (index 0) at 10.0.0.5:61001". */
    String describe() {
        return "instance " + route.instanceId() + " (index " + route.index() + ") at " + route.address() + ":" + route.port();
    }
}
