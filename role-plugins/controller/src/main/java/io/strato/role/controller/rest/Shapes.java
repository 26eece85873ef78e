package io.strato.role.controller.rest;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.ws.rs.core.UriInfo;

/** The Cloud Controller v2 response shapes: {@code {metadata, entity}} resources and paged lists. */
final class Shapes {

    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 100;

    private Shapes() {
    }

    static String time(long epochMillis) {
        return epochMillis <= 0 ? null : Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static Map<String, Object> resource(String guid, String url, long createdAt, long updatedAt,
                                        Map<String, Object> entity) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("guid", guid);
        metadata.put("url", url);
        metadata.put("created_at", time(createdAt));
        metadata.put("updated_at", time(updatedAt));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("metadata", metadata);
        r.put("entity", entity);
        return r;
    }

    /** Page number and size from {@code page} and {@code results-per-page}, validated like CF does. */
    record Paging(int page, int perPage) {
        static Paging of(UriInfo uri) {
            int page = number(uri.getQueryParameters().getFirst("page"), 1, "page");
            int perPage = number(uri.getQueryParameters().getFirst("results-per-page"), DEFAULT_PAGE_SIZE,
                    "results-per-page");
            if (page < 1) {
                throw CfException.invalidRequest("page must be 1 or more");
            }
            if (perPage < 1 || perPage > MAX_PAGE_SIZE) {
                throw CfException.invalidRequest("results-per-page must be between 1 and " + MAX_PAGE_SIZE);
            }
            return new Paging(page, perPage);
        }

        int offset() {
            return (page - 1) * perPage;
        }

        private static int number(String value, int fallback, String name) {
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw CfException.invalidRequest(name + " must be a number");
            }
        }
    }

    /** A paged list; {@code items} is the page already cut, {@code total} the count of all matches. */
    static <T> Map<String, Object> page(UriInfo uri, Paging paging, int total, List<T> items,
                                        Function<T, Map<String, Object>> shape) {
        // as Sequel's paginator that cloud_controller_ng uses: an empty list is one (empty) page
        int pages = Math.max(1, (total + paging.perPage() - 1) / paging.perPage());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("total_results", total);
        r.put("total_pages", pages);
        r.put("prev_url", paging.page() > 1 ? pageUrl(uri, paging.page() - 1, paging.perPage()) : null);
        r.put("next_url", paging.page() < pages ? pageUrl(uri, paging.page() + 1, paging.perPage()) : null);
        r.put("resources", items.stream().map(shape).toList());
        return r;
    }

    private static String pageUrl(UriInfo uri, int page, int perPage) {
        StringBuilder url = new StringBuilder("/").append(uri.getPath()).append("?");
        // every filter, so the next page lists what this one does
        for (String q : uri.getQueryParameters().getOrDefault("q", List.of())) {
            url.append("q=").append(java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)).append("&");
        }
        return url.append("page=").append(page).append("&results-per-page=").append(perPage).toString();
    }

    /** The value of a {@code q=<field>:<value>} filter for {@code field}, or null. */
    static String filter(UriInfo uri, String field) {
        for (String q : uri.getQueryParameters().getOrDefault("q", List.of())) {
            int sep = q.indexOf(':');
            if (sep > 0 && q.substring(0, sep).equals(field)) {
                return q.substring(sep + 1);
            }
        }
        return null;
    }
}
