package io.strato.role.controller.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final TokenService tokens = new TokenService("secret", key("strato-test"), Duration.ofMinutes(10),
            Duration.ofDays(30), clock, "https://api.example/oauth/token");
    private final UserAccount bob = new UserAccount("guid-bob", "bob", false, 0, 3);
    private final UserAccount admin = new UserAccount("guid-admin", "root", true, 0, 0);

    private static JsonNode claims(String token) throws Exception {
        return Json.mapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAccessTokenNamesTheUserByGuidAndGeneration() throws Exception {
        String token = tokens.issue(bob).accessToken();
        JsonNode claims = claims(token);
        assertEquals("guid-bob", claims.get("user_id").asText());
        assertEquals("guid-bob", claims.get("sub").asText());
        assertEquals("bob", claims.get("user_name").asText());
        assertEquals(3, claims.get(TokenService.GENERATION_CLAIM).asInt());
        assertEquals(new TokenService.Subject("guid-bob", 3), tokens.verify(token).orElseThrow());
        assertTrue(tokens.verify(token).orElseThrow().matches(bob));
        assertFalse(tokens.verify(token).orElseThrow().matches(new UserAccount("guid-bob", "bob", false, 0, 4)),
                "a later generation (password changed) does not match");
        assertFalse(tokens.verify(token).orElseThrow().matches(new UserAccount("guid-new", "bob", false, 0, 3)),
                "another user of the same name does not match");
    }

    @Test
    void scopesAreUaasWithAdminScopesForAdminsOnly() throws Exception {
        List<String> user = Json.mapper().convertValue(claims(tokens.issue(bob).accessToken()).get("scope"), List.class);
        assertEquals(List.of("cloud_controller.read", "cloud_controller.write", "openid", "password.write"), user);
        List<String> root = Json.mapper().convertValue(claims(tokens.issue(admin).accessToken()).get("scope"), List.class);
        assertTrue(root.containsAll(List.of("cloud_controller.admin", "scim.read", "scim.write", "cloud_controller.read")));
    }

    @Test
    void aTamperedTokenIsRefused() throws Exception {
        String token = tokens.issue(bob).accessToken();
        String[] parts = token.split("\\.");
        ObjectNode claims = (ObjectNode) claims(token);
        claims.put("user_id", "guid-admin").put("sub", "guid-admin");
        assertTrue(tokens.verify(parts[0] + "." + b64(Json.write(claims)) + "." + parts[2]).isEmpty(), "other guid");
        claims = (ObjectNode) claims(token);
        claims.put(TokenService.GENERATION_CLAIM, 4);
        assertTrue(tokens.verify(parts[0] + "." + b64(Json.write(claims)) + "." + parts[2]).isEmpty(), "other generation");
        char last = parts[2].charAt(0);
        String flipped = (last == 'A' ? 'B' : 'A') + parts[2].substring(1);
        assertTrue(tokens.verify(parts[0] + "." + parts[1] + "." + flipped).isEmpty(), "other signature");
        assertTrue(tokens.verify(parts[0] + "." + parts[1] + ".").isEmpty(), "no signature");
        assertTrue(tokens.verify(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".").isEmpty(), "alg none");
        assertTrue(tokens.verify(b64("{\"alg\":\"none\"}") + "." + parts[1] + "." + parts[2]).isEmpty(), "alg none, signed");
        assertTrue(tokens.verify(token + ".x").isEmpty());
        assertTrue(tokens.verify("").isEmpty());
        assertTrue(tokens.verify(null).isEmpty());
        assertTrue(new TokenService("other secret", key("strato-test"), Duration.ofMinutes(10), clock, "x").verify(token)
                .isEmpty(), "another cluster's key");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = tokens.issue(bob).accessToken();
        clock.now = clock.now.plus(Duration.ofMinutes(10)).minusSeconds(1);
        assertTrue(tokens.verify(token).isPresent());
        clock.now = clock.now.plusSeconds(1);
        assertTrue(tokens.verify(token).isEmpty());
    }

    @Test
    void aTokenVerifiedBeforeIsAcceptedAgainOnlyInTheSameTextAndUntilItExpires() {
        String token = tokens.issue(bob).accessToken();
        TokenService.Subject bobs = new TokenService.Subject("guid-bob", 3);
        assertEquals(bobs, tokens.verify(token).orElseThrow());
        assertEquals(bobs, tokens.verify(token).orElseThrow());
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String other = token.substring(0, token.lastIndexOf('.') + 1)
                + (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1);
        assertTrue(tokens.verify(other).isEmpty(), "another signature is checked, not taken from memory");
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        assertTrue(tokens.verify(token).isEmpty(), "expired, though verified before");
    }

    @Test
    void refreshTokensLastLongerAndNeitherKindStandsInForTheOther() throws Exception {
        String access = tokens.issue(bob).accessToken();
        String refresh = tokens.issueRefresh(bob).value();
        assertTrue(tokens.verify(refresh).isEmpty(), "a refresh token is no bearer token");
        assertTrue(tokens.verifyRefresh(access).isEmpty(), "an access token is no refresh token");
        assertEquals(new TokenService.Subject("guid-bob", 3), tokens.verifyRefresh(refresh).orElseThrow());
        assertEquals("refresh", claims(refresh).get(TokenService.KIND_CLAIM).asText());
        clock.now = clock.now.plus(Duration.ofDays(29));
        assertTrue(tokens.verify(access).isEmpty());
        assertTrue(tokens.verifyRefresh(refresh).isPresent());
        clock.now = clock.now.plus(Duration.ofDays(1));
        assertTrue(tokens.verifyRefresh(refresh).isEmpty());
    }

    @Test
    void aRefreshTokenReLabelledAsAccessIsRefused() throws Exception {
        String refresh = tokens.issueRefresh(bob).value();
        String[] parts = refresh.split("\\.");
        ObjectNode claims = (ObjectNode) claims(refresh);
        claims.put(TokenService.KIND_CLAIM, "access");
        assertTrue(tokens.verify(parts[0] + "." + b64(Json.write(claims)) + "." + parts[2]).isEmpty());
    }

    /** A new RSA key, as a cluster makes its own. */
    static SigningKey key(String kid) {
        try {
            java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return new SigningKey(kid, rsa.generateKeyPair());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
