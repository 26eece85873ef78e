package io.strato.role.controller.rest;

import java.util.UUID;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.container.PreMatching;

/** Every response carries {@code X-VCAP-Request-ID}: the client's own, or a new one, to trace a request in logs. */
@PreMatching
public final class RequestIdFilter implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String HEADER = "X-VCAP-Request-ID";
    private static final int MAX_LENGTH = 255;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(HEADER, idOf(request));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        // a request refused before this filter ran (another pre-matching filter aborted it) has no id yet
        Object id = request.getProperty(HEADER);
        response.getHeaders().putSingle(HEADER, id != null ? id : idOf(request));
    }

    private static String idOf(ContainerRequestContext request) {
        String id = request.getHeaderString(HEADER);
        boolean usable = id != null && !id.isBlank() && id.length() <= MAX_LENGTH && id.chars().allMatch(c -> c > 32 && c < 127);
        return usable ? id : UUID.randomUUID().toString();
    }
}
