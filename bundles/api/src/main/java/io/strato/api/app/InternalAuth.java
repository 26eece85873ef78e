package io.strato.api.app;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Node-to-node HTTP calls (blob store downloads and uploads, service broker calls) carry
 * {@code Authorization: Bearer <token>} where the token is derived from the cluster secret, so only
 * nodes of the cluster get in.
 */
public final class InternalAuth {

    public static final String HEADER = "Authorization";

    private InternalAuth() {
    }

    /** The bearer token of the cluster whose secret is {@code clusterSecret}, for {@code purpose}. */
    public static String token(String clusterSecret, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clusterSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Checks an {@code Authorization} header value in constant time; the scheme is case-insensitive (RFC 7235). */
    public static boolean verify(String clusterSecret, String purpose, String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
            return false;
        }
        byte[] expected = token(clusterSecret, purpose).getBytes(StandardCharsets.UTF_8);
        byte[] given = authorizationHeader.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }
}
