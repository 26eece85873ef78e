package io.strato.api.sandbox;

/**
 * The uids tenant code may run as: one per app, handed out by the controller and checked by every node
 * that runs the app's code, so that an order can never make a node run code as root, as the node's own
 * user or as a data server's user.
 *
 * @param from first uid (at least 1000, above system users)
 * @param to   last uid
 */
public record UidRange(int from, int to) {

    /** The default: 10,000 apps. */
    public static final UidRange DEFAULT = new UidRange(20000, 29999);

    public UidRange {
        if (from < 1000 || to > 2_000_000_000 || from > to) {
            throw new IllegalArgumentException("a uid range must be like 20000-29999, above 999, not " + from + "-" + to);
        }
    }

    /** Parses {@code 20000-29999}. */
    public static UidRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s*-\\s*");
        try {
            if (parts.length == 2) {
                return new UidRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("a uid range must be like 20000-29999, not '" + text + "'");
    }

    public boolean contains(int uid) {
        return uid >= from && uid <= to;
    }

    public int size() {
        return to - from + 1;
    }

    @Override
    public String toString() {
        return from + "-" + to;
    }
}
