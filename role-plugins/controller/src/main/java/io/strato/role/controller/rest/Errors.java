package io.strato.role.controller.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exception mappers that turn every failure into a JSON error in Cloud Controller form, so that no client
 * ever sees a servlet container's HTML page or a stack trace.
 */
public final class Errors {

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    static Response response(CfException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", e.code());
        body.put("description", e.getMessage());
        body.put("error_code", e.errorCode());
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    /** Errors the resources raise on purpose. */
    public static final class CfExceptionMapper implements ExceptionMapper<CfException> {
        @Override
        public Response toResponse(CfException e) {
            return response(e);
        }
    }

    /** Bodies the JSON provider could not read. */
    public static final class JsonExceptionMapper implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            return response(CfException.messageParseError(e.getOriginalMessage()));
        }
    }

    /** What the JAX-RS runtime raises itself: unknown paths, wrong methods, wrong media types. */
    public static final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
            if (status == 404 || status == 405) {
                // cloud_controller_ng answers any request it has no route for with 404 "Unknown request"
                return response(CfException.unknownRequest());
            }
            if (status == 415 || status == 406) {
                return response(new CfException(status, 10004, "CF-InvalidRequest",
                        "The request is invalid: unsupported media type"));
            }
            Throwable cause = e.getCause();
            if (cause instanceof JsonProcessingException json) {
                return response(CfException.messageParseError(json.getOriginalMessage()));
            }
            if (status >= 500) {
                LOG.warn("request failed", e);
                return response(CfException.serverError());
            }
            return response(new CfException(status, 10004, "CF-InvalidRequest", "The request is invalid: "
                    + (e.getMessage() == null ? Response.Status.fromStatusCode(status) : e.getMessage())));
        }
    }

    /** Anything else is a bug: log it, and tell the client no more than that it failed. */
    public static final class UnexpectedExceptionMapper implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            LOG.error("request failed", e);
            return response(CfException.serverError());
        }
    }
}
