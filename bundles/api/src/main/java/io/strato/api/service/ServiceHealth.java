package io.strato.api.service;

/** Whether a plugin's server answers, and what an admin should know when it does not. */
public record ServiceHealth(boolean up, String detail) {
    public static ServiceHealth up(String detail) {
        return new ServiceHealth(true, detail);
    }

    public static ServiceHealth down(String detail) {
        return new ServiceHealth(false, detail);
    }
}
