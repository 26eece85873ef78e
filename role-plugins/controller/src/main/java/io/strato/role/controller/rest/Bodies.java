package io.strato.role.controller.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.json.Json;

/**
 * Request bodies arrive as text and are parsed here, so that a malformed body always becomes
 * CF-MessageParseError and a wrongly typed field names the field.
 */
final class Bodies {

    private Bodies() {
    }

    static ObjectNode object(String body) {
        if (body == null || body.isBlank()) {
            return Json.mapper().createObjectNode();
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw CfException.messageParseError(e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw CfException.messageParseError("the body must be a JSON object");
        }
        return object;
    }

    static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw CfException.messageParseError(field + " must be a string");
        }
        return v.asText();
    }

    static Integer integer(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw CfException.messageParseError(field + " must be an integer");
        }
        return v.asInt();
    }

    static ObjectNode objectField(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!(v instanceof ObjectNode o)) {
            throw CfException.messageParseError(field + " must be an object");
        }
        return o;
    }
}
