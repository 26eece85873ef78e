package io.strato.role.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import javax.ws.rs.core.MultivaluedHashMap;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.UriInfo;
import org.junit.jupiter.api.Test;

class ShapesTest {

    private static UriInfo uri(String path, MultivaluedMap<String, String> query) {
        return (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(), new Class<?>[]{UriInfo.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getPath" -> path;
                    case "getQueryParameters" -> query;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void pageLinksKeepEveryFilter() {
        MultivaluedMap<String, String> query = new MultivaluedHashMap<>();
        query.add("q", "name:web");
        query.add("q", "space_guid:s1");
        query.add("page", "2");
        query.add("results-per-page", "1");
        UriInfo uri = uri("v2/apps", query);
        Map<String, Object> page = Shapes.page(uri, Shapes.Paging.of(uri), 3, List.of("x"), x -> Map.of());
        assertEquals("/v2/apps?q=name%3Aweb&q=space_guid%3As1&page=3&results-per-page=1", page.get("next_url"));
        assertEquals("/v2/apps?q=name%3Aweb&q=space_guid%3As1&page=1&results-per-page=1", page.get("prev_url"));
    }
}
