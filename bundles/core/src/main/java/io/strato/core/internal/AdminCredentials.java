package io.strato.core.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * No shipped default password: on first start, when {@code etc/users.properties} has no user, generates
 * an {@code admin} user with a random password for the Karaf shell and SSH, and writes the password to
 * {@code etc/strato-admin.password} (owner-only). users.properties only ever holds its SHA-512 hash, in the
 * form Karaf's "basic" password encryption checks (etc/org.apache.karaf.jaas.cfg).
 */
@Component(immediate = true)
public class AdminCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(AdminCredentials.class);
    static final String USER = "admin";
    static final String PASSWORD_FILE = "strato-admin.password";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    @Activate
    public AdminCredentials() {
        ensureAdmin(Path.of(System.getProperty("karaf.etc", "etc")));
    }

    /** @return the generated password, or null when a user existed already */
    static String ensureAdmin(Path etc) {
        Path users = etc.resolve("users.properties");
        try {
            List<String> lines = Files.exists(users) ? Files.readAllLines(users, StandardCharsets.UTF_8) : new ArrayList<>();
            if (lines.stream().anyMatch(AdminCredentials::isUserLine)) {
                return null;
            }
            String password = randomPassword();
            Path passwordFile = etc.resolve(PASSWORD_FILE);
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            List<String> updated = new ArrayList<>(lines);
            if (updated.stream().noneMatch(l -> l.trim().startsWith("_g_\\:admingroup"))) {
                updated.add("_g_\\:admingroup = group,admin,manager,viewer,systembus,ssh");
            }
            updated.add(USER + " = " + karafHash(password) + ",_g_:admingroup");
            Path tmp = Files.createTempFile(etc, "users", ".tmp");
            Files.write(tmp, updated, StandardCharsets.UTF_8);
            PropertiesFile.moveAtomically(tmp, users);
            String message = "First start: created the Karaf shell/SSH user '" + USER + "'; its password is in "
                    + passwordFile.toAbsolutePath() + " (readable by the owner only). Change it with jaas:* commands.";
            LOG.warn(message);
            System.out.println(message);
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the admin user in " + users, e);
        }
    }

    /** Karaf's basic encryption: {CRYPT}upper-case hex of SHA-512{CRYPT}. */
    static String karafHash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(password.getBytes(StandardCharsets.UTF_8));
            return "{CRYPT}" + HexFormat.of().withUpperCase().formatHex(digest) + "{CRYPT}";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is unavailable", e);
        }
    }

    /** A user line is {@code name = password,roles}; group lines start with {@code _g_}. */
    private static boolean isUserLine(String line) {
        String l = line.trim();
        return !l.isEmpty() && !l.startsWith("#") && !l.startsWith("_g_") && l.contains("=");
    }

    private static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
