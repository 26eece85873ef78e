package io.strato.role.controller;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zips for tests, including ones with Unix symlink entries (which java.util.zip cannot write). */
public final class Zips {

    private Zips() {
    }

    public static byte[] zip(Map<String, String> files) throws IOException {
        return zip(files, Set.of());
    }

    /** @param symlinks names among {@code files} whose content is a link target */
    public static byte[] zip(Map<String, String> files, Set<String> symlinks) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        byte[] data = bytes.toByteArray();
        markSymlinks(data, symlinks);
        return data;
    }

    /** Sets "made by Unix" and mode lrwxrwxrwx in the central directory records of the named entries. */
    private static void markSymlinks(byte[] data, Set<String> symlinks) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = data.length - 22;
        while (b.getInt(eocd) != 0x06054b50) {
            eocd--;
        }
        int entries = b.getShort(eocd + 10) & 0xffff;
        int p = b.getInt(eocd + 16);
        for (int i = 0; i < entries; i++) {
            int nameLen = b.getShort(p + 28) & 0xffff;
            int extraLen = b.getShort(p + 30) & 0xffff;
            int commentLen = b.getShort(p + 32) & 0xffff;
            String name = new String(data, p + 46, nameLen, StandardCharsets.UTF_8);
            if (symlinks.contains(name)) {
                b.putShort(p + 4, (short) ((3 << 8) | 20));
                b.putInt(p + 38, 0120777 << 16);
            }
            p += 46 + nameLen + extraLen + commentLen;
        }
    }
}
