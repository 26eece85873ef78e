package io.strato.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The node's {@code bin/setenv}: the JVM options a node starts with, the admin's own winning over them, and
 * the options only a newer JVM knows left out on an older one (the node must still start there).
 */
public class NodeJvmSettingsTest {

    private static final Path SETENV = Paths.get("../karaf-assembly/src/main/resources/bin/setenv");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aNodeGetsItsHeapCollectorAndNativeHeapTrimming() throws Exception {
        List<String> options = javaOptions(jvm(true), Map.of());
        assertTrue(options.toString(), options.containsAll(List.of("-Xms64m", "-Xmx512m", "-XX:MaxMetaspaceSize=256m",
                "-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=15000", "-XX:MaxHeapFreeRatio=30",
                "-XX:TrimNativeHeapInterval=10000", "-Dio.netty.leakDetection.level=disabled")));
    }

    @Test
    public void aJvmWithoutNativeHeapTrimmingStartsWithoutTheOption() throws Exception {
        List<String> options = javaOptions(jvm(false), Map.of());
        assertFalse(options.toString(), options.stream().anyMatch(o -> o.startsWith("-XX:TrimNativeHeapInterval")));
        assertTrue(options.toString(), options.containsAll(List.of("-Xmx512m", "-XX:+UseG1GC")));
    }

    @Test
    public void theAdminsOwnOptionsWin() throws Exception {
        List<String> options = javaOptions(jvm(true), Map.of("JAVA_MAX_MEM", "1g",
                "EXTRA_JAVA_OPTS", "-XX:+UseZGC -XX:TrimNativeHeapInterval=0"));
        assertTrue(options.toString(), options.containsAll(List.of("-Xmx1g", "-XX:+UseZGC", "-XX:TrimNativeHeapInterval=0")));
        assertFalse(options.toString(), options.contains("-Xmx512m"));
        assertFalse(options.toString(), options.contains("-XX:+UseG1GC"));
        assertEquals(options.toString(), 1, options.stream().filter(o -> o.startsWith("-XX:TrimNativeHeapInterval")).count());
    }

    /** A JAVA_HOME whose java accepts every option, or refuses -XX:TrimNativeHeapInterval as a JVM before it does. */
    private Path jvm(boolean knowsNativeHeapTrimming) throws IOException {
        Path home = tmp.newFolder().toPath();
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, knowsNativeHeapTrimming ? "#!/bin/sh\nexit 0\n"
                : "#!/bin/sh\ncase \"$*\" in *-XX:TrimNativeHeapInterval=*) echo \"Unrecognized VM option\" >&2; exit 1;; esac\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    /** The JVM options bin/setenv leaves for bin/karaf, given the admin's environment. */
    private static List<String> javaOptions(Path javaHome, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", ". \"$0\" && printf '%s' \"$EXTRA_JAVA_OPTS\"",
                SETENV.toAbsolutePath().toString());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("KARAF_SCRIPT", "karaf");
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().putAll(environment);
        Process process = builder.redirectErrorStream(true).start();
        assertTrue("bin/setenv did not finish", process.waitFor(30, TimeUnit.SECONDS));
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, process.exitValue());
        return Arrays.asList(out.trim().split("\\s+"));
    }
}
