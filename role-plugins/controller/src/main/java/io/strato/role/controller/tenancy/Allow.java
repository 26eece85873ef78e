package io.strato.role.controller.tenancy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The access rule of an endpoint. Every resource method of the API carries one (a build-time test checks
 * that), and the method enforces it through {@link Access} on the thing its path or body names.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Allow {
    Op value();
}
