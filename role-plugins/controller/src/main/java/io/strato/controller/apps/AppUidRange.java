package io.strato.controller.apps;

/**
 * The uids the controller hands out to apps, one per app: {@code first..last}, both included, configured as
 * {@code appUidRange = 20000-29999} (the same form and value as the DEAs' {@code appUidRange}). App code
 * (staging and instances) runs as its app's uid on every node, so the range must hold no system user and no
 * uid the nodes use otherwise.
 */
public record AppUidRange(int first, int last) {

    public static final String DEFAULT = "20000-29999";
    /** Below this, uids belong to system users on common distributions. */
    static final int LOWEST_ALLOWED = 1000;
    /** 65534 is nobody and 65535 is "no uid" to 16-bit tools; service brokers take uids up to 65535 only. */
    static final int HIGHEST_ALLOWED = 65533;

    public AppUidRange {
        if (first > last) {
            throw new IllegalArgumentException("appUidRange " + first + "-" + last + " is empty: its first uid is"
                    + " above its last");
        }
        if (first < LOWEST_ALLOWED || last > HIGHEST_ALLOWED) {
            throw new IllegalArgumentException("appUidRange " + first + "-" + last + " must lie within "
                    + LOWEST_ALLOWED + "-" + HIGHEST_ALLOWED + " (uids below " + LOWEST_ALLOWED
                    + " are system users, 65534 is nobody)");
        }
    }

    public static AppUidRange defaults() {
        return parse(DEFAULT);
    }

    /** Parses {@code 20000-29999}. */
    public static AppUidRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s*-\\s*");
        if (parts.length == 2) {
            try {
                return new AppUidRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("appUidRange must be like 20000-29999, not '" + text + "'");
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int uid) {
        return uid >= first && uid <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
