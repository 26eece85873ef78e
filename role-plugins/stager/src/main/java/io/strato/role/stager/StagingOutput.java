package io.strato.role.stager;

/** Where a task's log lines go: the staging events topic, so the developer sees them live. */
@FunctionalInterface
interface StagingOutput {

    void line(String text);

    /** A step header, as Heroku and Stackato print them. */
    default void step(String text) {
        line("-----> " + text);
    }
}
