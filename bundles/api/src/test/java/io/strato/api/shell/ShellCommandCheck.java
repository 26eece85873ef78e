package io.strato.api.shell;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * For the tests of a module's shell commands: finds the classes Karaf's shell registers from a package (those
 * annotated {@code @Service}) and fails when one has a mandatory reference that can be missing (see
 * {@link CommandServices}).
 */
public final class ShellCommandCheck {

    private ShellCommandCheck() {
    }

    /** The {@code @Service} classes of {@code pkg}, read from the module's sources; at least {@code atLeast} of them. */
    public static List<Class<?>> shellServices(String pkg, int atLeast) throws IOException, ClassNotFoundException {
        List<Class<?>> found = new ArrayList<>();
        try (var files = Files.list(Path.of("src/main/java", pkg.split("\\.")))) {
            for (String file : files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".java")).sorted().toList()) {
                Class<?> type = Class.forName(pkg + "." + file.substring(0, file.length() - ".java".length()));
                if (type.isAnnotationPresent(Service.class)) {
                    found.add(type);
                }
            }
        }
        if (found.size() < atLeast) {
            throw new AssertionError("expected at least " + atLeast + " shell services in " + pkg + ", found " + found);
        }
        return found;
    }

    /** Fails when a reference of {@code types} is mandatory and to a type not in {@code alwaysThere}. */
    public static void assertOnlyOptionalReferences(List<Class<?>> types, Collection<Class<?>> alwaysThere) {
        for (Class<?> type : types) {
            for (Field f : type.getDeclaredFields()) {
                Reference ref = f.getAnnotation(Reference.class);
                if (ref != null && !ref.optional() && !alwaysThere.contains(f.getType())) {
                    throw new AssertionError(type.getSimpleName() + "." + f.getName() + " needs " + f.getType().getSimpleName()
                            + ", which can be missing for a while and would take every command of the bundle with it: "
                            + "make it optional and use CommandServices.require");
                }
            }
        }
    }

    /** What {@code command} prints to System.out, and the message it fails with (null when it does not fail). */
    public static Run run(Callable<?> command) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String failure = null;
        try {
            command.call();
        } catch (Exception e) {
            failure = e.getMessage();
        } finally {
            System.setOut(original);
        }
        return new Run(bytes.toString(StandardCharsets.UTF_8), failure);
    }

    /** The output of a command and its failure's message. */
    public record Run(String out, String failure) {
    }
}
