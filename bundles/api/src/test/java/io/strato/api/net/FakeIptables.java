package io.strato.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** iptables as a map of chains to their rules, refusing what iptables refuses. */
public final class FakeIptables implements PortGuard.Iptables {
    public final Map<String, List<List<String>>> chains = new LinkedHashMap<>(Map.of("OUTPUT", new ArrayList<>()));
    final List<List<String>> calls = new ArrayList<>();
    String failOn;

    @Override
    public String run(List<String> args) throws IOException {
        calls.add(args);
        String op = args.get(0);
        String name = args.get(1);
        List<String> rule = args.subList(Math.min(args.size(), op.equals("-I") || op.equals("-R") ? 3 : 2), args.size());
        if (failOn != null && args.contains(failOn)) {
            throw new IOException("refused " + failOn);
        }
        if (op.equals("-N")) {
            if (chains.putIfAbsent(name, new ArrayList<>()) != null) {
                throw new IOException("chain exists");
            }
            return "";
        }
        List<List<String>> rules = chains.get(name);
        if (rules == null) {
            throw new IOException("no chain " + name);
        }
        switch (op) {
            case "-S" -> { }
            case "-F" -> rules.clear();
            case "-X" -> {
                if (!rules.isEmpty() || chains.values().stream().anyMatch(rs -> rs.stream().anyMatch(r -> r.equals(List.of("-j", name))))) {
                    throw new IOException("chain in use");
                }
                chains.remove(name);
            }
            case "-A" -> rules.add(List.copyOf(rule));
            case "-I" -> rules.add(Integer.parseInt(args.get(2)) - 1, List.copyOf(rule));
            case "-R" -> rules.set(Integer.parseInt(args.get(2)) - 1, List.copyOf(rule));
            case "-C" -> {
                if (!rules.contains(rule)) {
                    throw new IOException("no such rule");
                }
            }
            case "-D" -> {
                if (!rules.remove(rule)) {
                    throw new IOException("no such rule");
                }
            }
            default -> throw new IOException("unknown " + op);
        }
        return "";
    }

    /** The rules a packet meets through the owned chain's jump. */
    public List<List<String>> effective(String chain) {
        List<List<String>> jump = chains.get(chain);
        assertEquals(1, jump.size());
        return chains.get(jump.get(0).get(1));
    }
}
