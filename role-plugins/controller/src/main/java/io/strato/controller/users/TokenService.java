package io.strato.controller.users;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.InternalAuth;
import io.strato.api.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bearer tokens as HS256 JWTs (the form UAA issues, so CF clients can read the user name from them). The
 * key is derived from the cluster secret: every controller of the cluster accepts every other's tokens
 * without sharing a token table. A token is valid until it expires and while its user exists.
 */
public final class TokenService {

    public static final List<String> SCOPES = List.of("cloud_controller.read", "cloud_controller.write");
    // a fixed text: every controller must produce and accept the very same header
    private static final String HEADER = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    /** An issued token and what the token endpoint tells about it. */
    public record Token(String accessToken, long expiresInSeconds, String jti) {
    }

    private final byte[] key;
    private final Duration ttl;
    private final Clock clock;
    private final String issuer;

    public TokenService(String clusterSecret, Duration ttl, Clock clock, String issuer) {
        // a purpose-specific key, so a token cannot be replayed as a node-to-node credential or vice versa
        this.key = InternalAuth.token(clusterSecret, "controller-user-tokens").getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.clock = clock;
        this.issuer = issuer;
    }

    public Token issue(UserAccount user) {
        long now = clock.instant().getEpochSecond();
        String jti = UUID.randomUUID().toString();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", jti);
        claims.put("sub", user.name());
        claims.put("user_id", user.name());
        claims.put("user_name", user.name());
        claims.put("scope", SCOPES);
        claims.put("client_id", "cf");
        claims.put("cid", "cf");
        claims.put("grant_type", "password");
        claims.put("iat", now);
        claims.put("exp", now + ttl.toSeconds());
        claims.put("iss", issuer);
        claims.put("aud", List.of("cloud_controller"));
        String body = HEADER + "." + b64(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        return new Token(body + "." + b64(sign(body)), ttl.toSeconds(), jti);
    }

    /** The user name in a valid, unexpired token. */
    public Optional<String> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.");
        if (parts.length != 3 || !parts[0].equals(HEADER)) {
            return Optional.empty();
        }
        try {
            byte[] given = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(given, sign(parts[0] + "." + parts[1]))) {
                return Optional.empty();
            }
            JsonNode claims = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (claims.path("exp").asLong(0) <= clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            String user = claims.path("user_name").asText(null);
            return Optional.ofNullable(user);
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    private byte[] sign(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
