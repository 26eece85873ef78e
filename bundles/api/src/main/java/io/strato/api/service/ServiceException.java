package io.strato.api.service;

/** A provision/bind/unbind/deprovision that failed; the message says why in one line. */
public class ServiceException extends Exception {
    public ServiceException(String message) {
        super(message);
    }

    public ServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
