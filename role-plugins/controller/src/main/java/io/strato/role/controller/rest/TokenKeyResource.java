package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.users.SigningKey;
import java.math.BigInteger;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

/**
 * UAA's {@code GET /token_keys}: the public key access tokens are signed with, which
 * Cloud Foundry clients check a token against before they read the user name from it.
 */
@Path("/token_keys")
@Produces(MediaType.APPLICATION_JSON)
public class TokenKeyResource {

    private final SigningKey key;

    public TokenKeyResource(SigningKey key) {
        this.key = key;
    }

    @GET
    @Allow(Op.PUBLIC)
    public Map<String, Object> keys() {
        return Map.of("keys", List.of(key()));
    }

    private Map<String, Object> key() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("e", unsigned(key.publicKey().getPublicExponent()));
        jwk.put("use", "sig");
        jwk.put("kid", key.kid());
        jwk.put("alg", "RS256");
        jwk.put("value", key.publicPem());
        jwk.put("n", unsigned(key.publicKey().getModulus()));
        return jwk;
    }

    /** A JWK number: big-endian, without the sign byte, base64url without padding. */
    private static String unsigned(BigInteger n) {
        byte[] bytes = n.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
