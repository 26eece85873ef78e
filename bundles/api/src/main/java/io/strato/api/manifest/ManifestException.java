package io.strato.api.manifest;

/**
 * A manifest that cannot be used. The message names the file, the line (1-based, 0 when unknown) and
 * the reason, e.g. {@code stackato.yml line 3: instances must be a whole number, not 'lots'}.
 */
public class ManifestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String reason;

    public ManifestException(String file, int line, String reason) {
        super(line > 0 ? file + " line " + line + ": " + reason : file + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    /** 1-based line of the problem, 0 when the problem is not tied to a line. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
