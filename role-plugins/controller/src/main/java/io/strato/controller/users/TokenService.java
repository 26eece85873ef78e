package io.strato.controller.users;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.InternalAuth;
import io.strato.api.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bearer and refresh tokens as HS256 JWTs, in the form UAA issues, so CF clients can read the user from them.
 * The keys are derived from the cluster secret: every controller of the cluster accepts every other's tokens
 * without sharing a token table.
 *
 * <p>A token names its user by guid ({@code sub} and {@code user_id}) and carries the user's token generation
 * ({@value #GENERATION_CLAIM}). {@link #verify} only proves that this cluster issued the token and that it is
 * unexpired; whoever accepts it must still find the user by guid and compare the generation, so that a deleted
 * user's tokens never serve a new user of the same name and a password change ends every earlier token.
 *
 * <p>Access and refresh tokens are signed with different keys and say their kind, so neither can stand in for
 * the other.
 */
public final class TokenService {

    /** The scopes of every user's tokens. */
    public static final List<String> SCOPES =
            List.of("cloud_controller.read", "cloud_controller.write", "openid", "password.write");
    /** Scopes an admin's tokens have besides {@link #SCOPES}, as UAA grants them to CF admins. */
    public static final List<String> ADMIN_SCOPES = List.of("cloud_controller.admin", "scim.read", "scim.write");
    /** The claim with the user's token generation. */
    public static final String GENERATION_CLAIM = "strato_gen";
    /** The claim that tells an access token from a refresh token. */
    public static final String KIND_CLAIM = "strato_kind";
    /** How long a refresh token lasts unless told otherwise. */
    public static final Duration DEFAULT_REFRESH_TTL = Duration.ofDays(30);

    // a fixed text: every controller must produce and accept the very same header
    private static final String HEADER = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    /** What a token is for. */
    public enum Kind {
        ACCESS("access", "controller-user-tokens"),
        REFRESH("refresh", "controller-refresh-tokens");

        private final String claim;
        private final String purpose;

        Kind(String claim, String purpose) {
            this.claim = claim;
            this.purpose = purpose;
        }
    }

    /** An issued token and what the token endpoint tells about it. */
    public record Token(String accessToken, long expiresInSeconds, String jti) {
        /** The token itself (named {@code accessToken} for the callers that only know access tokens). */
        public String value() {
            return accessToken;
        }
    }

    /** Whom a valid token names: the user's guid and the token generation it was issued under. */
    public record Subject(String userGuid, int generation) {
        /** Whether the token still stands for {@code user}: same user and no password change since. */
        public boolean matches(UserAccount user) {
            return user.guid().equals(userGuid) && user.tokenGeneration() == generation;
        }
    }

    private final byte[] accessKey;
    private final byte[] refreshKey;
    private final Duration ttl;
    private final Duration refreshTtl;
    private final Clock clock;
    private final String issuer;

    public TokenService(String clusterSecret, Duration ttl, Clock clock, String issuer) {
        this(clusterSecret, ttl, DEFAULT_REFRESH_TTL, clock, issuer);
    }

    public TokenService(String clusterSecret, Duration ttl, Duration refreshTtl, Clock clock, String issuer) {
        // purpose-specific keys, so a token cannot be replayed as a node-to-node credential, nor an access
        // token as a refresh token, or the other way round
        this.accessKey = InternalAuth.token(clusterSecret, Kind.ACCESS.purpose).getBytes(StandardCharsets.UTF_8);
        this.refreshKey = InternalAuth.token(clusterSecret, Kind.REFRESH.purpose).getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.refreshTtl = refreshTtl;
        this.clock = clock;
        this.issuer = issuer;
    }

    /** The scopes {@code user}'s tokens carry. */
    public static List<String> scopes(UserAccount user) {
        List<String> scopes = new ArrayList<>(SCOPES);
        if (user.admin()) {
            scopes.addAll(ADMIN_SCOPES);
        }
        return List.copyOf(scopes);
    }

    /** A bearer token for the API. */
    public Token issue(UserAccount user) {
        return issue(user, Kind.ACCESS, ttl, "password");
    }

    /** A bearer token for the API issued with {@code grantType} ("password" or "refresh_token"). */
    public Token issue(UserAccount user, String grantType) {
        return issue(user, Kind.ACCESS, ttl, grantType);
    }

    /** A refresh token, good for {@code grant_type=refresh_token} only. */
    public Token issueRefresh(UserAccount user) {
        return issue(user, Kind.REFRESH, refreshTtl, "password");
    }

    private Token issue(UserAccount user, Kind kind, Duration life, String grantType) {
        long now = clock.instant().getEpochSecond();
        String jti = UUID.randomUUID().toString().replace("-", "") + (kind == Kind.REFRESH ? "-r" : "");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", jti);
        claims.put("sub", user.guid());
        claims.put("user_id", user.guid());
        claims.put("user_name", user.name());
        claims.put("origin", "uaa");
        claims.put("zid", "uaa");
        claims.put("scope", scopes(user));
        claims.put("client_id", "cf");
        claims.put("cid", "cf");
        claims.put("grant_type", grantType);
        claims.put("iat", now);
        claims.put("exp", now + life.toSeconds());
        claims.put("iss", issuer);
        claims.put("aud", kind == Kind.ACCESS ? List.of("cloud_controller", "openid", "password") : List.of("cf"));
        claims.put(GENERATION_CLAIM, user.tokenGeneration());
        claims.put(KIND_CLAIM, kind.claim);
        String body = HEADER + "." + b64(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        return new Token(body + "." + b64(sign(keyOf(kind), body)), life.toSeconds(), jti);
    }

    /** Whom a valid, unexpired access token names. */
    public Optional<Subject> verify(String token) {
        return verify(token, Kind.ACCESS);
    }

    /** Whom a valid, unexpired refresh token names. */
    public Optional<Subject> verifyRefresh(String token) {
        return verify(token, Kind.REFRESH);
    }

    private Optional<Subject> verify(String token, Kind kind) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        // the exact header only: "alg":"none" or any other algorithm never gets as far as the signature
        if (parts.length != 3 || !parts[0].equals(HEADER)) {
            return Optional.empty();
        }
        try {
            byte[] given = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(given, sign(keyOf(kind), parts[0] + "." + parts[1]))) {
                return Optional.empty();
            }
            JsonNode claims = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!claims.path("exp").isIntegralNumber() || claims.path("exp").asLong() <= clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            if (!kind.claim.equals(claims.path(KIND_CLAIM).asText(null))) {
                return Optional.empty();
            }
            String guid = claims.path("user_id").asText(null);
            JsonNode generation = claims.path(GENERATION_CLAIM);
            if (guid == null || guid.isEmpty() || !guid.equals(claims.path("sub").asText(null))
                    || !generation.canConvertToInt() || !generation.isIntegralNumber()) {
                return Optional.empty();
            }
            return Optional.of(new Subject(guid, generation.asInt()));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    private byte[] keyOf(Kind kind) {
        return kind == Kind.ACCESS ? accessKey : refreshKey;
    }

    private static byte[] sign(byte[] key, String data) {
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
