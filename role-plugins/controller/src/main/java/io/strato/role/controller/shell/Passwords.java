package io.strato.role.controller.shell;

import java.io.IOException;
import org.apache.karaf.shell.api.console.Session;

/** Reads a new password twice without echo, so a typo does not lock the user out. */
final class Passwords {

    private Passwords() {
    }

    /** @throws IllegalArgumentException when the two entries differ */
    static String ask(Session session, String prompt) throws IOException {
        String first = session.readLine(prompt, '*');
        String second = session.readLine("Again: ", '*');
        if (first == null || !first.equals(second)) {
            throw new IllegalArgumentException("the passwords differ; nothing was changed");
        }
        return first;
    }
}
