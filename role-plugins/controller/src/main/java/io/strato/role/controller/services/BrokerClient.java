package io.strato.role.controller.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.Channels;
import io.strato.api.app.InternalAuth;
import io.strato.api.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Calls a node's service broker (Open Service Broker API v2) with the cluster's internal token. A provision
 * may start a database server, so calls may take a while.
 */
public final class BrokerClient {

    /** The broker API version this controller speaks. */
    static final String API_VERSION = "2.14";
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(3);

    /** A broker call that failed; the message says which node and why, for the user's error. */
    public static final class BrokerCallException extends RuntimeException {
        BrokerCallException(String message) {
            super(message);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    public BrokerClient(String clusterSecret) {
        this.token = InternalAuth.token(clusterSecret, Channels.BROKER_AUTH_PURPOSE);
    }

    public void provision(String brokerUrl, String instanceId, String label, String plan, Map<String, String> parameters) {
        String body = Json.write(Map.of("service_id", label, "plan_id", plan, "organization_guid", "",
                "space_guid", "", "parameters", parameters));
        send("PUT", brokerUrl + "/v2/service_instances/" + instanceId, body, "provision " + label, false);
    }

    /** @return false when the broker no longer knows the instance */
    public boolean deprovision(String brokerUrl, String instanceId) {
        return send("DELETE", brokerUrl + "/v2/service_instances/" + instanceId, null, "deprovision", true)
                .statusCode() != 410;
    }

    /**
     * Binds the app: OSB's top-level {@code app_guid} and {@code bind_resource.app_guid}, and Strato's
     * {@code bind_resource.app_uid}, the uid the app's code runs as.
     *
     * @return the credentials, as the JSON object the broker sent
     */
    public JsonNode bind(String brokerUrl, String instanceId, String bindingId, String appGuid, int appUid) {
        String body = Json.write(Map.of("app_guid", appGuid,
                "bind_resource", Map.of("app_guid", appGuid, "app_uid", appUid)));
        HttpResponse<String> r = send("PUT", brokerUrl + "/v2/service_instances/" + instanceId + "/service_bindings/"
                + bindingId, body, "bind", false);
        JsonNode credentials;
        try {
            credentials = Json.mapper().readTree(r.body()).path("credentials");
        } catch (IOException e) {
            credentials = null;
        }
        if (credentials == null || !credentials.isObject()) {
            throw new BrokerCallException("the service broker at " + brokerUrl + " sent no credentials");
        }
        return credentials;
    }

    /** @return false when the broker no longer knows the binding */
    public boolean unbind(String brokerUrl, String instanceId, String bindingId) {
        return send("DELETE", brokerUrl + "/v2/service_instances/" + instanceId + "/service_bindings/" + bindingId,
                null, "unbind", true).statusCode() != 410;
    }

    /** @param goneIsFine whether 410 (the broker does not know it) is an answer rather than a failure */
    private HttpResponse<String> send(String method, String url, String body, String what, boolean goneIsFine) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(CALL_TIMEOUT)
                .header(InternalAuth.HEADER, "Bearer " + token)
                .header("X-Broker-API-Version", API_VERSION)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BrokerCallException("the service broker at " + url.substring(0, url.indexOf("/v2/"))
                    + " cannot be reached (" + e.getMessage() + "): is its node up?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerCallException(what + " was interrupted");
        }
        int status = r.statusCode();
        if (status == 200 || status == 201 || (goneIsFine && status == 410)) {
            return r;
        }
        throw new BrokerCallException(what + " failed: " + describe(r));
    }

    private static String describe(HttpResponse<String> r) {
        try {
            String d = Json.mapper().readTree(r.body()).path("description").asText("");
            if (!d.isBlank()) {
                return d;
            }
        } catch (IOException e) {
            // not JSON: the status says enough
        }
        return "the service broker answered " + r.statusCode();
    }
}
