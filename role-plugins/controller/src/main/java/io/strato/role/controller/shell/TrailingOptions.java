package io.strato.role.controller.shell;

import java.util.List;

/**
 * Karaf parses options only before arguments; these commands also accept them after the user name
 * ({@code kato:user-add alice --admin}), the way they are documented.
 */
final class TrailingOptions {

    String password;
    boolean admin;
    String org;
    String space;

    /**
     * Reads {@code --password}, and where {@code addOptions} (kato:user-add) {@code --admin}, {@code --org} and
     * {@code --space}.
     *
     * @throws IllegalArgumentException naming the word that is not an option of the command, and the usage
     */
    static TrailingOptions parse(List<String> words, boolean addOptions, String usage) {
        TrailingOptions o = new TrailingOptions();
        if (words == null) {
            return o;
        }
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--admin") && addOptions) {
                o.admin = true;
            } else if ((w.equals("--org") || w.equals("-o")) && addOptions && i + 1 < words.size()) {
                o.org = words.get(++i);
            } else if ((w.equals("--space") || w.equals("-s")) && addOptions && i + 1 < words.size()) {
                o.space = words.get(++i);
            } else if ((w.equals("--password") || w.equals("-p")) && i + 1 < words.size()) {
                o.password = words.get(++i);
            } else if (w.startsWith("--password=")) {
                o.password = w.substring("--password=".length());
            } else {
                throw new IllegalArgumentException("unexpected '" + w + "'; usage: " + usage);
            }
        }
        return o;
    }
}
