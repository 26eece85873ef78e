package io.strato.services.redis;

import io.strato.api.service.process.ServerFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The redis-server program: one set in the configuration, or the Linux x86-64 build shipped inside this bundle. */
final class RedisServerBinary {

    static final String BUNDLED = "redis-server-6.2.6-v5-linux-amd64";

    private RedisServerBinary() {
    }

    /**
     * @param configured a path from the configuration, or blank for the bundled binary
     * @param binDir     where the bundled binary is unpacked
     */
    static Path locate(String configured, Path binDir) throws IOException {
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IOException("redis serverBinary " + path + " is not an executable file; fix it in etc/io.strato.service.redis.cfg");
            }
            return path;
        }
        Path target = binDir.resolve(BUNDLED);
        try (InputStream in = RedisServerBinary.class.getResourceAsStream("/redis-bin/" + BUNDLED)) {
            if (in == null) {
                throw new IOException("this bundle has no " + BUNDLED + "; set serverBinary in etc/io.strato.service.redis.cfg");
            }
            byte[] bytes = in.readAllBytes();
            if (Files.isExecutable(target) && Files.size(target) == bytes.length) {
                ServerFiles.sharePrograms(binDir);
                return target;
            }
            Files.createDirectories(binDir);
            // write beside and move, so a server starting at the same time never runs half a file
            Path partial = Files.createTempFile(binDir, BUNDLED, ".part");
            Files.write(partial, bytes);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ServerFiles.sharePrograms(binDir);
        }
        return target;
    }
}
