package io.strato.role.controller.blob;

import io.strato.api.manifest.ManifestException;
import io.strato.api.manifest.ManifestParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks an uploaded zip before it may replace an app's package: it must open, have at most
 * {@code maxEntries} entries, inflate to at most {@code maxUncompressedBytes} (counted while inflating, since
 * a zip bomb lies about its sizes), and no entry may leave the app directory — by {@code ..}, an absolute
 * path, or a symbolic link whose target is outside. A manifest at the top must parse, so a bad one is
 * reported at push time with its line rather than later by the stager.
 */
public final class UploadValidator {

    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;
    private static final int UNIX_HOST = 3;
    private static final int MAX_LINK_TARGET = 4096;
    private static final long MAX_CENTRAL_DIRECTORY = 64L * 1024 * 1024;

    private final UploadLimits limits;

    public UploadValidator(UploadLimits limits) {
        this.limits = limits;
    }

    public void validate(Path zip) throws InvalidUploadException, IOException {
        Map<String, Integer> unixModes;
        try {
            unixModes = unixModes(zip);
        } catch (IndexOutOfBoundsException e) {
            throw new InvalidUploadException("Invalid zip file: records run past the end of the file");
        }
        if (unixModes.size() > limits.maxEntries()) {
            throw new InvalidUploadException("the zip has " + unixModes.size() + " entries, more than the limit of "
                    + limits.maxEntries());
        }
        try (ZipFile file = new ZipFile(zip.toFile())) {
            if (file.size() > limits.maxEntries()) {
                throw new InvalidUploadException("the zip has more than " + limits.maxEntries() + " entries");
            }
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            Map<String, byte[]> manifests = new HashMap<>();
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName().replace('\\', '/');
                checkName(entry.getName(), name);
                int mode = unixModes.getOrDefault(entry.getName(), 0);
                try (InputStream in = file.getInputStream(entry)) {
                    if ((mode & S_IFMT) == S_IFLNK) {
                        byte[] target = in.readNBytes(MAX_LINK_TARGET);
                        checkLink(name, new String(target, StandardCharsets.UTF_8));
                        total += target.length;
                        continue;
                    }
                    if (ManifestParser.FILE_NAMES.contains(name)) {
                        byte[] text = in.readNBytes(ManifestParser.MAX_BYTES + 1);
                        manifests.put(name, text);
                        total += text.length;
                    }
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        total += n;
                        if (total > limits.maxUncompressedBytes()) {
                            throw new InvalidUploadException("the zip inflates to more than "
                                    + limits.maxUncompressedBytes() / (1024 * 1024) + " MB");
                        }
                    }
                }
            }
            checkManifest(manifests);
        } catch (ZipException e) {
            throw new InvalidUploadException("Invalid zip file: " + e.getMessage());
        }
    }

    /** The manifest the stager would use (the first of {@link ManifestParser#FILE_NAMES}) must parse. */
    private static void checkManifest(Map<String, byte[]> manifests) throws InvalidUploadException {
        for (String name : ManifestParser.FILE_NAMES) {
            byte[] text = manifests.get(name);
            if (text == null) {
                continue;
            }
            try {
                if (text.length > ManifestParser.MAX_BYTES) {
                    throw new ManifestException(name, 0, "larger than " + ManifestParser.MAX_BYTES / 1024 + " KB");
                }
                ManifestParser.parse(name, new String(text, StandardCharsets.UTF_8));
            } catch (ManifestException e) {
                throw new InvalidManifestException(e.getMessage());
            }
            return;
        }
    }

    private static void checkName(String original, String name) throws InvalidUploadException {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new InvalidUploadException("Invalid zip file: entry with an empty or invalid name");
        }
        if (name.startsWith("/") || (name.length() >= 2 && name.charAt(1) == ':')) {
            throw new InvalidUploadException("entry '" + original + "' has an absolute path");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new InvalidUploadException("entry '" + original + "' points outside the app directory (..)");
            }
        }
    }

    /** A link may point anywhere inside the app, never out of it. */
    private static void checkLink(String name, String target) throws InvalidUploadException {
        String t = target.replace('\\', '/');
        if (t.startsWith("/") || (t.length() >= 2 && t.charAt(1) == ':')) {
            throw new InvalidUploadException("symlink entry '" + name + "' points outside the app directory: " + target);
        }
        Deque<String> path = new ArrayDeque<>();
        String[] own = name.split("/");
        for (int i = 0; i < own.length - 1; i++) {
            if (!own[i].isEmpty() && !own[i].equals(".")) {
                path.addLast(own[i]);
            }
        }
        for (String segment : t.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (path.isEmpty()) {
                    throw new InvalidUploadException("symlink entry '" + name + "' points outside the app directory: "
                            + target);
                }
                path.removeLast();
            } else {
                path.addLast(segment);
            }
        }
    }

    /**
     * Entry name → Unix mode, read from the central directory (java.util.zip does not expose the external
     * attributes, where zip tools record symbolic links).
     */
    static Map<String, Integer> unixModes(Path zip) throws InvalidUploadException, IOException {
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 22) {
                throw new InvalidUploadException("Invalid zip file: too short to be a zip");
            }
            int tailLen = (int) Math.min(size, 22 + 65535);
            ByteBuffer tail = read(ch, size - tailLen, tailLen);
            int eocd = -1;
            for (int i = tailLen - 22; i >= 0; i--) {
                if (tail.getInt(i) == 0x06054b50) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                throw new InvalidUploadException("Invalid zip file: no end of central directory record");
            }
            long entries = tail.getShort(eocd + 10) & 0xffff;
            long cdSize = tail.getInt(eocd + 12) & 0xffffffffL;
            long cdOffset = tail.getInt(eocd + 16) & 0xffffffffL;
            if (entries == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
                long locator = size - tailLen + eocd - 20;
                ByteBuffer loc = locator >= 0 ? read(ch, locator, 20) : null;
                if (loc == null || loc.getInt(0) != 0x07064b50) {
                    throw new InvalidUploadException("Invalid zip file: missing zip64 locator");
                }
                ByteBuffer z64 = read(ch, loc.getLong(8), 56);
                if (z64.getInt(0) != 0x06064b50) {
                    throw new InvalidUploadException("Invalid zip file: bad zip64 end of central directory");
                }
                entries = z64.getLong(32);
                cdSize = z64.getLong(40);
                cdOffset = z64.getLong(48);
            }
            if (cdSize > MAX_CENTRAL_DIRECTORY || cdOffset < 0 || cdOffset + cdSize > size) {
                throw new InvalidUploadException("Invalid zip file: central directory out of bounds");
            }
            ByteBuffer cd = read(ch, cdOffset, (int) cdSize);
            Map<String, Integer> modes = new HashMap<>();
            int p = 0;
            for (long i = 0; i < entries; i++) {
                if (p + 46 > cd.limit() || cd.getInt(p) != 0x02014b50) {
                    throw new InvalidUploadException("Invalid zip file: corrupt central directory");
                }
                int madeBy = (cd.getShort(p + 4) & 0xffff) >> 8;
                int nameLen = cd.getShort(p + 28) & 0xffff;
                int extraLen = cd.getShort(p + 30) & 0xffff;
                int commentLen = cd.getShort(p + 32) & 0xffff;
                int external = cd.getInt(p + 38);
                if (p + 46 + nameLen > cd.limit()) {
                    throw new InvalidUploadException("Invalid zip file: corrupt central directory");
                }
                byte[] name = new byte[nameLen];
                cd.get(p + 46, name);
                modes.put(new String(name, StandardCharsets.UTF_8), madeBy == UNIX_HOST ? external >>> 16 : 0);
                p += 46 + nameLen + extraLen + commentLen;
            }
            return modes;
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                break;
            }
        }
        b.flip();
        return b;
    }
}
