package io.strato.role.primary.log;

import io.strato.api.log.NodeLogLine;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.io.BufferedReader;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cluster.log}: every node's lines, one per line as {@code kato:log-tail} prints them. When it would grow
 * past its size it becomes {@code cluster.log.1} (and .1 becomes .2, ...); the oldest file beyond the count goes.
 */
final class ClusterLogFile {

    private final Path file;
    private final long maxBytes;
    private final int files;
    private final ZoneId zone;

    ClusterLogFile(Path file, long maxBytes, int files, ZoneId zone) {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("the cluster log file must be allowed at least 1 KB, not " + maxBytes + " bytes");
        }
        if (files < 1) {
            throw new IllegalArgumentException("at least one cluster log file must be kept, not " + files);
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.files = files;
        this.zone = zone;
    }

    void append(List<NodeLogLine> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (NodeLogLine line : lines) {
            text.append(line.format(zone)).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && Files.size(file) > 0 && Files.size(file) + bytes.length > maxBytes) {
            rotate();
        }
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            w.write(text.toString());
        }
    }

    private static final Pattern LINE = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (\\S+) (ERROR|WARN|INFO|DEBUG|TRACE) (\\S*): (.*)$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /**
     * The newest {@code max} lines of the current file, read back for tails after a restart. The file names nodes
     * by name only, so these lines carry the name as their id; lines that are not in the file's format are skipped.
     */
    List<NodeLogLine> newest(int max) throws IOException {
        Deque<NodeLogLine> out = new ArrayDeque<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Matcher head = null;
            List<String> more = new ArrayList<>();
            for (String text = r.readLine(); ; text = r.readLine()) {
                if (text != null && text.startsWith("    ") && head != null) {
                    more.add(text.substring(4));
                    continue;
                }
                if (head != null) {
                    try {
                        long time = LocalDateTime.parse(head.group(1), TIME).atZone(zone).toInstant().toEpochMilli();
                        out.addLast(new NodeLogLine(head.group(2), head.group(2), 0, time, head.group(3), head.group(4),
                                head.group(5), more));
                        if (out.size() > max) {
                            out.removeFirst();
                        }
                    } catch (DateTimeParseException e) {
                        // not a line of ours
                    }
                }
                if (text == null) {
                    break;
                }
                Matcher m = LINE.matcher(text);
                head = m.matches() ? m : null;
                more = new ArrayList<>();
            }
        }
        return List.copyOf(out);
    }

    private void rotate() throws IOException {
        Files.deleteIfExists(numbered(files));
        for (int i = files - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
    }

    Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    Path path() {
        return file;
    }
}
