package io.strato.cli;

import io.strato.api.manifest.AppManifest;
import io.strato.api.manifest.ManifestException;
import io.strato.api.manifest.ManifestParser;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads an app directory's {@code stackato.yml} or Cloud Foundry {@code manifest.yml} with the
 * platform's own parser, so the client and the stager never disagree about a manifest, and keeps what
 * push needs.
 */
public final class ManifestReader {

    private ManifestReader() {
    }

    /** The manifest in {@code dir}, or {@link Manifest#NONE} when it has none. */
    public static Manifest read(Path dir) {
        try {
            return ManifestParser.read(dir).map(ManifestReader::toManifest).orElse(Manifest.NONE);
        } catch (ManifestException e) {
            throw new CliError(e.getMessage());
        } catch (IOException e) {
            throw new CliError("Cannot read the manifest in " + dir + ": " + e.getMessage());
        }
    }

    /** Parses manifest text; {@code applications:} marks the Cloud Foundry format. */
    public static Manifest parse(String file, String text) {
        try {
            return toManifest(ManifestParser.parse(file, text));
        } catch (ManifestException e) {
            throw new CliError(e.getMessage());
        }
    }

    private static Manifest toManifest(AppManifest m) {
        Integer memory = null;
        if (m.memoryMb() != null) {
            if (m.memoryMb() > Integer.MAX_VALUE) {
                throw new CliError(m.file() + ": memory " + m.memoryMb() + "M is more than any node has");
            }
            memory = m.memoryMb().intValue();
        }
        // An empty label means the manifest only names an instance, which must already exist.
        List<ServiceRequest> services = m.services().entrySet().stream()
                .map(e -> new ServiceRequest(e.getKey(), e.getValue().isEmpty() ? null : e.getValue()))
                .toList();
        return new Manifest(m.file(), m.name(), memory, m.instances(), m.startCommand(), m.env(), m.urls(), services);
    }
}
