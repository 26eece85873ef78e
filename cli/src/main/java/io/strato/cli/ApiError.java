package io.strato.cli;

/** A Cloud Foundry error body ({@code code, description, error_code}) returned by the controller. */
public final class ApiError extends CliError {

    private final int status;
    private final String errorCode;

    public ApiError(int status, String errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    /** The CF error name such as {@code CF-NotStaged}; null when the body was not a CF error. */
    public String errorCode() {
        return errorCode;
    }

    public boolean is(String cfErrorCode) {
        return cfErrorCode.equals(errorCode);
    }
}
