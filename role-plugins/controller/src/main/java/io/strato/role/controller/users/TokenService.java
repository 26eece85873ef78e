package io.strato.role.controller.users;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.InternalAuth;
import io.strato.api.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bearer and refresh tokens as JWTs, in the form UAA issues, so CF clients can read the user from them. Access
 * tokens are signed RS256 with the cluster's {@link SigningKey}, whose public half clients fetch from
 * {@code /token_keys} to check a token before they trust the user name in it; refresh tokens, which only the
 * controller reads, HS256 with a key derived from the cluster secret. Every controller sharing the database
 * accepts every other's tokens without sharing a token table.
 *
 * <p>A token names its user by guid ({@code sub} and {@code user_id}) and carries the user's token generation
 * ({@value #GENERATION_CLAIM}). {@link #verify} only proves that this cluster issued the token and that it is
 * unexpired; whoever accepts it must still find the user by guid and compare the generation, so that a deleted
 * user's tokens never serve a new user of the same name and a password change ends every earlier token.
 *
 * <p>Access and refresh tokens are signed with different keys and say their kind, so neither can stand in for
 * the other.
 *
 * <p>Clients send the same access token with every request, so a verified one is remembered (by its exact text,
 * until its expiry, at most {@value #VERIFIED_TOKENS} of them) and not checked against its RS256 signature again,
 * as UAA's resource servers do. What a token stands for is still decided per request by whoever accepts it (the
 * user by guid and generation), so a deleted user or a changed password ends a remembered token just as fast.
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

    // fixed texts: every controller must produce and accept the very same headers
    private static final String REFRESH_HEADER = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    /** What a token is for. */
    public enum Kind {
        ACCESS("access"),
        REFRESH("refresh");

        private final String claim;

        Kind(String claim) {
            this.claim = claim;
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

    /** How many verified access tokens are remembered; past that the expired ones go, or all of them. */
    static final int VERIFIED_TOKENS = 10_000;

    private final SigningKey signingKey;
    private final String accessHeader;
    private final byte[] refreshKey;
    private final Duration ttl;
    private final Duration refreshTtl;
    private final Clock clock;
    private final String issuer;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /** An access token whose signature was checked: whom it names, and until when (epoch seconds). */
    private record Verified(Subject subject, long expires) {
    }

    public TokenService(String clusterSecret, SigningKey signingKey, Duration ttl, Clock clock, String issuer) {
        this(clusterSecret, signingKey, ttl, DEFAULT_REFRESH_TTL, clock, issuer);
    }

    public TokenService(String clusterSecret, SigningKey signingKey, Duration ttl, Duration refreshTtl, Clock clock,
                        String issuer) {
        // a purpose-specific refresh key, so a refresh token cannot be replayed as a node-to-node credential; an
        // access token (RS256) can never pass as a refresh token (HS256), nor the other way round
        this.signingKey = signingKey;
        this.accessHeader = b64(("{\"alg\":\"RS256\",\"kid\":\"" + signingKey.kid() + "\",\"typ\":\"JWT\"}")
                .getBytes(StandardCharsets.UTF_8));
        this.refreshKey = InternalAuth.token(clusterSecret, "controller-refresh-tokens").getBytes(StandardCharsets.UTF_8);
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
        String body = headerOf(kind) + "." + b64(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        return new Token(body + "." + b64(sign(kind, body)), life.toSeconds(), jti);
    }

    /** Whom a valid, unexpired access token names. */
    public Optional<Subject> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        long now = clock.instant().getEpochSecond();
        Verified known = verified.get(token);
        if (known != null) {
            if (known.expires() > now) {
                return Optional.of(known.subject());
            }
            verified.remove(token);
            return Optional.empty();
        }
        Optional<Verified> checked = check(token, Kind.ACCESS);
        checked.ifPresent(v -> remember(token, v, now));
        return checked.map(Verified::subject);
    }

    private void remember(String token, Verified v, long now) {
        if (verified.size() >= VERIFIED_TOKENS) {
            verified.values().removeIf(old -> old.expires() <= now);
            if (verified.size() >= VERIFIED_TOKENS) {
                verified.clear();
            }
        }
        verified.put(token, v);
    }

    /** Whom a valid, unexpired refresh token names. */
    public Optional<Subject> verifyRefresh(String token) {
        return check(token, Kind.REFRESH).map(Verified::subject);
    }

    private Optional<Verified> check(String token, Kind kind) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        // the exact header only: "alg":"none" or any other algorithm never gets as far as the signature
        if (parts.length != 3 || !parts[0].equals(headerOf(kind))) {
            return Optional.empty();
        }
        try {
            byte[] given = Base64.getUrlDecoder().decode(parts[2]);
            if (!signatureMatches(kind, parts[0] + "." + parts[1], given)) {
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
            return Optional.of(new Verified(new Subject(guid, generation.asInt()), claims.path("exp").asLong()));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    private String headerOf(Kind kind) {
        return kind == Kind.ACCESS ? accessHeader : REFRESH_HEADER;
    }

    private byte[] sign(Kind kind, String data) {
        try {
            if (kind == Kind.ACCESS) {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initSign(signingKey.pair().getPrivate());
                rsa.update(data.getBytes(StandardCharsets.US_ASCII));
                return rsa.sign();
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(refreshKey, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private boolean signatureMatches(Kind kind, String data, byte[] given) {
        if (kind == Kind.REFRESH) {
            return MessageDigest.isEqual(given, sign(kind, data));
        }
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(signingKey.pair().getPublic());
            rsa.update(data.getBytes(StandardCharsets.US_ASCII));
            return rsa.verify(given);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
