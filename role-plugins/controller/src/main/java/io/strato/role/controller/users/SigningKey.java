package io.strato.role.controller.users;

import io.strato.api.app.InternalAuth;
import io.strato.role.controller.Sql;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA key access tokens are signed with (RS256, as UAA signs them), so that clients can check a token
 * against the public key at {@code /token_keys} and read the user from it. The first controller to start creates
 * it in the database; every controller sharing the database signs with it. The private key is stored sealed
 * (AES-GCM) with a key derived from the cluster secret: the database alone does not give it away.
 */
public record SigningKey(String kid, KeyPair pair) {

    private static final String PURPOSE = "controller-token-signing-key";
    private static final Logger LOG = LoggerFactory.getLogger(SigningKey.class);

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) pair.getPublic();
    }

    /** The public key as PEM, as UAA shows it in {@code value}. */
    public String publicPem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----";
    }

    /**
     * The cluster's key from the database, created there if it has none yet, or if the stored one was sealed with
     * another cluster's secret: the node has joined another cluster since (kato:node-attach), and the tokens of
     * its old cluster are no longer to be honoured anyway.
     */
    public static SigningKey loadOrCreate(Sql sql, String clusterSecret) {
        Optional<SigningKey> stored;
        try {
            stored = load(sql, clusterSecret);
        } catch (IllegalStateException sealedForAnotherCluster) {
            LOG.warn("The token signing key in the database was made for another cluster (its secret differs); "
                    + "making a new one: tokens issued before this node joined its cluster are no longer valid");
            sql.update("DELETE FROM ctl_token_keys WHERE id = 1");
            stored = Optional.empty();
        }
        if (stored.isPresent()) {
            return stored.get();
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String kid = "strato-" + UUID.randomUUID().toString().substring(0, 8);
            // one row (id 1): the first controller's insert wins, the others read it
            sql.update("INSERT INTO ctl_token_keys (id, kid, public_key, private_key_sealed, created_at)"
                    + " VALUES (1, ?, ?, ?, ?)", kid, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                    seal(clusterSecret, pair.getPrivate().getEncoded()), System.currentTimeMillis());
        } catch (Sql.DuplicateKeyException raced) {
            // another controller stored its key first: the one below is the cluster's
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the token signing key", e);
        }
        return load(sql, clusterSecret).orElseThrow(() -> new IllegalStateException("no token signing key stored"));
    }

    private static Optional<SigningKey> load(Sql sql, String clusterSecret) {
        return sql.one("SELECT kid, public_key, private_key_sealed FROM ctl_token_keys WHERE id = 1", rs -> {
            try {
                KeyFactory rsa = KeyFactory.getInstance("RSA");
                PublicKey pub = rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(rs.getString(2))));
                PrivateKey priv = rsa.generatePrivate(new PKCS8EncodedKeySpec(unseal(clusterSecret, rs.getString(3))));
                return new SigningKey(rs.getString(1), new KeyPair(pub, priv));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the stored token signing key does not open with this cluster's"
                        + " secret", e);
            }
        });
    }

    private static String seal(String clusterSecret, byte[] plain) throws GeneralSecurityException {
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, key(clusterSecret), new GCMParameterSpec(128, iv));
        byte[] sealed = aes.doFinal(plain);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed)
                .array());
    }

    private static byte[] unseal(String clusterSecret, String text) throws GeneralSecurityException {
        byte[] all = Base64.getDecoder().decode(text);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, key(clusterSecret), new GCMParameterSpec(128, all, 0, 12));
        return aes.doFinal(all, 12, all.length - 12);
    }

    private static SecretKeySpec key(String clusterSecret) throws GeneralSecurityException {
        byte[] derived = MessageDigest.getInstance("SHA-256").digest(InternalAuth.token(clusterSecret, PURPOSE)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new SecretKeySpec(derived, "AES");
    }
}
