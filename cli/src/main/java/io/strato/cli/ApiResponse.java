package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A successful controller answer: status, parsed JSON body (a missing node when empty) and headers (looked up
 * by name in any case).
 */
public record ApiResponse(int status, JsonNode body, Map<String, List<String>> headers) {

    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }
}
