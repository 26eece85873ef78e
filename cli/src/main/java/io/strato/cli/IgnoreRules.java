package io.strato.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The patterns of a {@code .stackatoignore} or {@code .cfignore}, with gitignore's meaning: {@code #}
 * comments, {@code !} re-includes, a trailing {@code /} matches directories only, a pattern with a
 * {@code /} is anchored at the app root, one without matches a name at any depth, {@code *} and
 * {@code ?} stay within one path segment and {@code **} crosses segments. The last matching pattern
 * wins.
 */
public final class IgnoreRules {

    public static final List<String> FILES = List.of(".stackatoignore", ".cfignore");

    private record Rule(Pattern pattern, boolean negated, boolean directoryOnly, boolean anchored) {
    }

    private final List<Rule> rules;

    private IgnoreRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static IgnoreRules parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.stripTrailing();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negated = line.startsWith("!");
            if (negated) {
                line = line.substring(1);
            } else if (line.startsWith("\\#") || line.startsWith("\\!")) {
                line = line.substring(1);
            }
            boolean directoryOnly = line.endsWith("/");
            if (directoryOnly) {
                line = line.substring(0, line.length() - 1);
            }
            boolean anchored = line.contains("/");
            if (line.startsWith("/")) {
                line = line.substring(1);
            }
            if (!line.isEmpty()) {
                rules.add(new Rule(Pattern.compile(toRegex(line)), negated, directoryOnly, anchored));
            }
        }
        return new IgnoreRules(rules);
    }

    /** The rules of every ignore file present in {@code dir}, in {@link #FILES} order. */
    public static IgnoreRules load(Path dir) {
        List<String> lines = new ArrayList<>();
        for (String name : FILES) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    lines.addAll(Files.readAllLines(file));
                } catch (IOException e) {
                    throw new CliError("Cannot read " + file + ": " + e.getMessage());
                }
            }
        }
        return parse(lines);
    }

    /**
     * @param relativePath path from the app root with {@code /} separators, e.g. {@code lib/x.js}
     */
    public boolean ignored(String relativePath, boolean directory) {
        String name = relativePath.substring(relativePath.lastIndexOf('/') + 1);
        boolean ignored = false;
        for (Rule rule : rules) {
            if (rule.directoryOnly() && !directory) {
                continue;
            }
            String subject = rule.anchored() ? relativePath : name;
            if (rule.pattern().matcher(subject).matches()) {
                ignored = !rule.negated();
            }
        }
        return ignored;
    }

    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                boolean slashFollows = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                regex.append(slashFollows ? "(?:.*/)?" : ".*");
                i += slashFollows ? 3 : 2;
                continue;
            }
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        regex.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, end).replace("\\", "\\\\");
                        if (body.startsWith("!")) {
                            body = "^" + body.substring(1);
                        }
                        regex.append('[').append(body).append(']');
                        i = end;
                    }
                }
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return regex.toString();
    }
}
