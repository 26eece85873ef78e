package io.strato.role.controller.users;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void aHashVerifiesItsPasswordOnly() {
        String hash = PasswordHasher.hash("s3cret-pass");
        assertTrue(PasswordHasher.verify("s3cret-pass", hash));
        assertFalse(PasswordHasher.verify("s3cret-pasS", hash));
        assertFalse(PasswordHasher.verify("", hash));
    }

    @Test
    void hashesAreSaltedPbkdf2WithTheIterationCountStored() {
        String a = PasswordHasher.hash("same password");
        String b = PasswordHasher.hash("same password");
        assertNotEquals(a, b);
        String[] parts = a.split("\\$");
        assertTrue(parts[0].equals("pbkdf2-sha256") && Integer.parseInt(parts[1]) >= 100_000, a);
        assertFalse(a.contains("same password"));
    }

    @Test
    void malformedStoredValuesNeverVerify() {
        assertFalse(PasswordHasher.verify("x", "plain-text"));
        assertFalse(PasswordHasher.verify("x", "pbkdf2-sha256$abc$%%$%%"));
        assertFalse(PasswordHasher.verify("x", null));
    }
}
