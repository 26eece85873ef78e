package io.strato.role.controller.rest;

import io.strato.api.json.Json;
import io.strato.role.controller.logs.DopplerServer;
import io.strato.role.controller.tenancy.Caller;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.users.UserAccount;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who may read an app's logs on the Doppler endpoint: exactly who may {@code GET /v2/apps/:guid/logs}, a user with
 * a valid bearer token who sees the app's space. Anyone else gets the API's own answer: 401 CF-InvalidAuthToken
 * without a valid token, 404 CF-AppNotFound for an app the user cannot see.
 */
public final class LogStreamGate implements DopplerServer.Gate {

    private final AuthFilter auth;
    private final Lookup lookup;

    public LogStreamGate(AuthFilter auth, Lookup lookup) {
        this.auth = auth;
        this.lookup = lookup;
    }

    @Override
    public DopplerServer.Refusal check(String authorization, String appGuid) {
        try {
            Optional<UserAccount> user = auth.user(authorization);
            if (user.isEmpty()) {
                throw CfException.invalidAuthToken();
            }
            Caller caller = new Caller(user.get().guid(), user.get().name(), user.get().admin());
            lookup.app(lookup.tenancy().access(caller), appGuid, Op.SPACE_READ);
            return null;
        } catch (CfException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", e.code());
            body.put("description", e.getMessage());
            body.put("error_code", e.errorCode());
            return new DopplerServer.Refusal(e.status(), Json.write(body));
        }
    }
}
