package io.strato.broker;

/** A broker call that cannot be served; the status is the HTTP answer the platform gets. */
final class BrokerException extends Exception {

    private final int status;

    BrokerException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
