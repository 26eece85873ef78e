package io.strato.api.manifest;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code stackato.yml} (Stackato) and {@code manifest.yml} (Cloud Foundry: the first entry of
 * {@code applications}, over the top-level settings). The YAML is only composed into nodes, never
 * turned into objects, so a manifest cannot instantiate classes; the nodes keep their line numbers,
 * which every error message carries. Keys this parser does not know are ignored, as Stackato does.
 */
public final class ManifestParser {

    /** Manifest file names in the order they are looked for: Stackato's wins. */
    public static final List<String> FILE_NAMES = List.of("stackato.yml", "stackato.yaml", "manifest.yml",
            "manifest.yaml");

    /** Larger manifests are refused before parsing. */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)B?", Pattern.CASE_INSENSITIVE);

    private ManifestParser() {
    }

    /**
     * The manifest of an unpacked app.
     *
     * @return empty when the app has none of {@link #FILE_NAMES}
     */
    public static Optional<AppManifest> read(Path appDir) throws ManifestException, IOException {
        for (String name : FILE_NAMES) {
            Path file = appDir.resolve(name);
            if (Files.isRegularFile(file)) {
                if (Files.size(file) > MAX_BYTES) {
                    throw new ManifestException(name, 0, "larger than " + MAX_BYTES / 1024 + " KB");
                }
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                            .toString();
                } catch (CharacterCodingException e) {
                    throw new ManifestException(name, 0, "not UTF-8 text");
                }
                return Optional.of(parse(name, text));
            }
        }
        return Optional.empty();
    }

    /**
     * Parses manifest text.
     *
     * @param file the file name, for messages; also tells the format apart only through the content
     *             ({@code applications:} means Cloud Foundry)
     */
    public static AppManifest parse(String file, String text) throws ManifestException {
        Node root = compose(file, text);
        if (root == null) {
            return AppManifest.empty(file);
        }
        Fields top = new Fields(file, "the manifest", mapping(file, root, "the manifest"));
        Fields app = top;
        Node applications = top.node("applications");
        if (applications != null) {
            SequenceNode list = sequence(file, applications, "applications");
            if (list.getValue().isEmpty()) {
                throw error(file, applications, "applications is empty; it must list at least one app");
            }
            Node first = list.getValue().get(0);
            app = new Fields(file, "applications[0]", mapping(file, first, "applications[0]")).over(top);
        }
        return read(file, app);
    }

    private static AppManifest read(String file, Fields app) throws ManifestException {
        String name = app.text("name");
        Long memory = app.has("mem") ? app.memory("mem") : app.memory("memory");
        Integer instances = app.integer("instances");
        Map<String, String> env = app.env("env");
        Map<String, String> services = app.services("services");
        List<String> urls = new ArrayList<>(app.texts("url"));
        urls.addAll(app.texts("urls"));
        urls.addAll(app.routes("routes"));
        String command = app.text("command");
        String web = null;
        Fields processes = app.fields("processes");
        if (processes != null) {
            web = processes.text("web");
        }
        List<String> preStaging = List.of();
        List<String> postStaging = List.of();
        List<String> preRunning = List.of();
        Fields hooks = app.fields("hooks");
        if (hooks != null) {
            preStaging = hooks.texts("pre-staging");
            postStaging = hooks.texts("post-staging");
            preRunning = hooks.texts("pre-running");
        }
        List<String> pip = List.of();
        List<String> npm = List.of();
        List<String> ubuntu = List.of();
        Fields requirements = app.fields("requirements");
        if (requirements != null) {
            pip = requirements.texts("pip");
            npm = requirements.texts("npm");
            ubuntu = requirements.texts("ubuntu");
        }
        return new AppManifest(file, name, memory, instances, env, services, urls, command, web, preStaging,
                postStaging, preRunning, pip, npm, ubuntu);
    }

    /** Parses a memory size: {@code 256} and {@code 256M} are MB, {@code 1G} is 1024 MB. */
    public static long parseMemoryMb(String value) {
        Matcher m = MEMORY.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("memory must be like 256, 256M or 1G, not '" + value + "'");
        }
        double amount = Double.parseDouble(m.group(1));
        double mb = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> amount / 1024;
            case "G" -> amount * 1024;
            case "T" -> amount * 1024 * 1024;
            default -> amount;
        };
        if (mb < 1) {
            throw new IllegalArgumentException("memory must be at least 1M, not '" + value + "'");
        }
        return (long) Math.ceil(mb);
    }

    private static Node compose(String file, String text) throws ManifestException {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_BYTES);
        try {
            return new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String reason = e.getProblem() != null ? e.getProblem() : e.getContext();
            if (e.getContext() != null && e.getProblem() != null) {
                reason = e.getContext() + ", " + e.getProblem();
            }
            throw new ManifestException(file, mark == null ? 0 : mark.getLine() + 1, "invalid YAML: " + reason);
        } catch (YAMLException e) {
            throw new ManifestException(file, 0, "invalid YAML: " + e.getMessage());
        }
    }

    private static MappingNode mapping(String file, Node node, String what) throws ManifestException {
        if (node instanceof MappingNode m) {
            return m;
        }
        throw error(file, node, what + " must be a mapping of keys to values");
    }

    private static SequenceNode sequence(String file, Node node, String what) throws ManifestException {
        if (node instanceof SequenceNode s) {
            return s;
        }
        throw error(file, node, what + " must be a list");
    }

    private static ManifestException error(String file, Node node, String reason) {
        return new ManifestException(file, node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1, reason);
    }

    private static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
    }

    /** The keys of one mapping, with the line of each value kept for messages. */
    private static final class Fields {
        private final String file;
        private final Map<String, Node> values = new LinkedHashMap<>();

        Fields(String file, String where, MappingNode node) throws ManifestException {
            this.file = file;
            for (NodeTuple tuple : node.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    throw error(file, tuple.getKeyNode(), "keys in " + where + " must be plain words");
                }
                if (values.putIfAbsent(key.getValue(), tuple.getValueNode()) != null) {
                    throw error(file, key, "duplicate key '" + key.getValue() + "' in " + where);
                }
            }
        }

        /** These fields, with the keys only {@code defaults} has added (Cloud Foundry's top-level settings). */
        Fields over(Fields defaults) {
            defaults.values.forEach((k, v) -> {
                if (!k.equals("applications")) {
                    values.putIfAbsent(k, v);
                }
            });
            return this;
        }

        boolean has(String key) {
            return !isNull(values.get(key));
        }

        Node node(String key) {
            Node n = values.get(key);
            return isNull(n) ? null : n;
        }

        String text(String key) throws ManifestException {
            Node n = node(key);
            return n == null ? null : scalar(n, key);
        }

        private String scalar(Node n, String what) throws ManifestException {
            if (n instanceof ScalarNode s) {
                return s.getValue();
            }
            throw error(file, n, what + " must be a single value, not a " + (n instanceof SequenceNode ? "list" : "mapping"));
        }

        Integer integer(String key) throws ManifestException {
            String value = text(key);
            if (value == null) {
                return null;
            }
            try {
                int i = Integer.parseInt(value.trim());
                if (i < 0) {
                    throw error(file, node(key), key + " must not be negative, not '" + value + "'");
                }
                return i;
            } catch (NumberFormatException e) {
                throw error(file, node(key), key + " must be a whole number, not '" + value + "'");
            }
        }

        Long memory(String key) throws ManifestException {
            String value = text(key);
            if (value == null) {
                return null;
            }
            try {
                return parseMemoryMb(value);
            } catch (IllegalArgumentException e) {
                throw error(file, node(key), e.getMessage().replaceFirst("^memory", key));
            }
        }

        /** A single value or a list of values. */
        List<String> texts(String key) throws ManifestException {
            Node n = node(key);
            if (n == null) {
                return List.of();
            }
            if (n instanceof ScalarNode s) {
                return List.of(s.getValue());
            }
            if (n instanceof SequenceNode seq) {
                List<String> list = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    if (!isNull(item)) {
                        list.add(scalar(item, "each entry of " + key));
                    }
                }
                return list;
            }
            throw error(file, n, key + " must be a value or a list of values, not a mapping");
        }

        Fields fields(String key) throws ManifestException {
            Node n = node(key);
            return n == null ? null : new Fields(file, key, mapping(file, n, key));
        }

        /** {@code NAME: value}, or Stackato's {@code NAME: {default: value}}. */
        Map<String, String> env(String key) throws ManifestException {
            Fields env = fields(key);
            Map<String, String> result = new LinkedHashMap<>();
            if (env == null) {
                return result;
            }
            for (Map.Entry<String, Node> e : env.values.entrySet()) {
                Node v = e.getValue();
                if (isNull(v)) {
                    result.put(e.getKey(), "");
                } else if (v instanceof MappingNode m) {
                    String def = new Fields(file, "env " + e.getKey(), m).text("default");
                    result.put(e.getKey(), def == null ? "" : def);
                } else {
                    result.put(e.getKey(), env.scalar(v, "env " + e.getKey()));
                }
            }
            return result;
        }

        /** {@code name: label}, {@code name: {type: label}}, or a list of instance names. */
        Map<String, String> services(String key) throws ManifestException {
            Node n = node(key);
            Map<String, String> result = new LinkedHashMap<>();
            if (n == null) {
                return result;
            }
            if (n instanceof SequenceNode) {
                for (String name : texts(key)) {
                    result.put(name, "");
                }
                return result;
            }
            if (!(n instanceof MappingNode map)) {
                throw error(file, n, key + " must be a list of names or a mapping of names to service types");
            }
            Fields services = new Fields(file, key, map);
            for (Map.Entry<String, Node> e : services.values.entrySet()) {
                Node v = e.getValue();
                if (isNull(v)) {
                    result.put(e.getKey(), "");
                } else if (v instanceof MappingNode m) {
                    Fields service = new Fields(file, "service " + e.getKey(), m);
                    String label = service.text("type") != null ? service.text("type") : service.text("label");
                    result.put(e.getKey(), label == null ? "" : label);
                } else {
                    result.put(e.getKey(), services.scalar(v, "service " + e.getKey()));
                }
            }
            return result;
        }

        /** Cloud Foundry's {@code routes: [{route: host}]}. */
        List<String> routes(String key) throws ManifestException {
            Node n = node(key);
            if (n == null) {
                return List.of();
            }
            List<String> routes = new ArrayList<>();
            for (Node item : sequence(file, n, key).getValue()) {
                String route = new Fields(file, "each entry of " + key, mapping(file, item, "each entry of " + key))
                        .text("route");
                if (route == null) {
                    throw error(file, item, "each entry of " + key + " needs a 'route'");
                }
                routes.add(route);
            }
            return routes;
        }
    }
}
