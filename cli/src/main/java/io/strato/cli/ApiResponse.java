package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpHeaders;
import java.util.Optional;

/** A successful controller answer: status, parsed JSON body (a missing node when empty) and headers. */
public record ApiResponse(int status, JsonNode body, HttpHeaders headers) {

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }
}
