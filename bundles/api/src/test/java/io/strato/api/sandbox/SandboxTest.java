package io.strato.api.sandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxTest {

    private static final UidRange UIDS = new UidRange(20000, 20099);

    /** Outside /tmp, which the sandbox replaces with a private one. */
    private Path tmp;

    @BeforeEach
    void makeDir() throws IOException {
        Files.createDirectories(Path.of("target"));
        tmp = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "sandbox-");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (var walk = Files.walk(tmp)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void uidRangesAreParsedAndChecked() {
        assertEquals(new UidRange(20000, 29999), UidRange.parse(" 20000 - 29999 "));
        assertThrows(IllegalArgumentException.class, () -> UidRange.parse("0-100"));
        assertThrows(IllegalArgumentException.class, () -> UidRange.parse("30000-20000"));
        assertThrows(IllegalArgumentException.class, () -> UidRange.parse("lots"));
        assertTrue(UIDS.contains(20050));
        assertFalse(UIDS.contains(0));
    }

    @Test
    void environmentTravelsAsRecordsAndBadNamesAreLeftOut() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "one two");
        env.put("B", "x=y");
        env.put("BAD=NAME", "v");
        assertEquals("A=one two\0B=x=y\0", new String(Sandbox.environmentRecords(env), StandardCharsets.UTF_8));
    }

    @Test
    void theAppsEnvironmentNeverReachesTheNodeSideAndTheCommandLineHoldsNoneOfIt() {
        Sandbox sandbox = Sandbox.detect(UIDS, "test");
        Sandbox.Launch launch = new Sandbox.Launch(20001, "node server.js",
                Map.of("DATABASE_PASSWORD", "hunter2", "PATH", "bin:/usr/bin"), Path.of("/srv/app"), List.of(),
                Optional.empty(), 1024, 0);
        List<String> argv = sandbox.command(launch);
        assertTrue(argv.get(0).startsWith("/"), "node-side tools are called by absolute path: " + argv);
        assertFalse(String.join(" ", argv).contains("hunter2"), "secrets stay off the command line: " + argv);
        assertEquals("node server.js", argv.get(argv.size() - 1));
    }

    @Test
    void refusesUidsOutsideTheRange() {
        Sandbox sandbox = Sandbox.detect(UIDS, "test");
        Assumptions.assumeTrue(sandbox.switchesUser(), "the node runs as root");
        for (int uid : new int[] {0, 65534, 19999, 20100}) {
            Sandbox.Launch launch = new Sandbox.Launch(uid, "true", Map.of(), Path.of("/"), List.of(), Optional.empty(),
                    0, 0);
            assertThrows(IllegalArgumentException.class, () -> sandbox.command(launch), "uid " + uid);
        }
    }

    /** An app that ships its own bash and puts it first in PATH, with LD_PRELOAD and BASH_ENV set. */
    @Test
    void anAppsOwnBashAndLoaderVariablesRunOnlyAsTheAppsUid() throws Exception {
        Sandbox sandbox = Sandbox.detect(UIDS, "test");
        Assumptions.assumeTrue(sandbox.switchesUser(), "the node runs as root");
        Path app = tmp.resolve("app");
        Path bin = app.resolve("bin");
        Files.createDirectories(bin);
        Path evil = bin.resolve("bash");
        Files.writeString(evil, "#!/bin/sh\nid -u >> " + app.resolve("ran-as") + "\nexec /bin/bash \"$@\"\n");
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(app.resolve("bashenv"), "id -u >> " + app.resolve("bashenv-ran-as") + "\n");
        sandbox.openPath(tmp, tmp);
        sandbox.handOver(app, 20007);

        Path hostTmp = Files.createTempFile("strato-sandbox-test", ".txt");
        Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin", "BASH_ENV", app.resolve("bashenv").toString(),
                "LD_PRELOAD", app.resolve("missing.so").toString(), "SECRET", "s p a c e s");
        Process p = sandbox.start(new Sandbox.Launch(20007, "bash -c 'echo \"$(id -u) $SECRET $(test -e " + hostTmp + " && echo shared || echo private)\"'",
                env, app, List.of(), Optional.empty(), 256, 0), true);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Files.delete(hostTmp);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("20007 s p a c e s"), out);
        if (sandbox.hidesProcesses()) {
            assertTrue(last.endsWith(" private"), "a private /tmp, without the node's files: " + out);
        }
        // the app's own bash and BASH_ENV ran, but only as the app
        for (String marker : List.of("ran-as", "bashenv-ran-as")) {
            List<String> uids = Files.readAllLines(app.resolve(marker));
            assertFalse(uids.isEmpty(), marker);
            assertTrue(uids.stream().allMatch("20007"::equals), marker + ": " + uids);
        }
    }

    @Test
    void aLaunchOutlivesTheThreadThatAskedForIt() throws Exception {
        // the parent-death signal fires when the thread that started a process ends: a pooled worker thread that
        // retires must not take running instances with it
        Sandbox sandbox = Sandbox.detect(UIDS, "test");
        Path dir = tmp.resolve("long");
        Files.createDirectories(dir);
        sandbox.openPath(tmp, tmp);
        sandbox.handOver(dir, 20013);
        Process[] started = new Process[1];
        Thread asker = new Thread(() -> {
            try {
                started[0] = sandbox.start(new Sandbox.Launch(20013, "sleep 30", Map.of("PATH", "/usr/bin:/bin"), dir,
                        List.of(), Optional.empty(), 0, 0), true);
                Thread.sleep(1000); // the signal is armed once the launch reached setpriv and bwrap
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        asker.start();
        asker.join();
        try {
            assertFalse(started[0].waitFor(1500, TimeUnit.MILLISECONDS), "the launch died with the thread that asked for it");
        } finally {
            started[0].descendants().forEach(ProcessHandle::destroyForcibly);
            started[0].destroyForcibly();
        }
    }

    @Test
    void appsSeeNeitherTheNodesProcessesNorEachOthersFiles() throws Exception {
        Sandbox sandbox = Sandbox.detect(UIDS, "test");
        Assumptions.assumeTrue(sandbox.switchesUser(), "the node runs as root");
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        Files.createDirectories(one);
        Files.createDirectories(two);
        Files.writeString(two.resolve("secret.txt"), "two's secret");
        sandbox.openPath(tmp, tmp);
        sandbox.handOver(one, 20011);
        sandbox.handOver(two, 20012);
        String script = "cat " + two.resolve("secret.txt") + " 2>/dev/null || echo denied; "
                + "kill -0 1 2>/dev/null; ls /proc | grep -c '^[0-9]' ; touch /etc/strato-test 2>/dev/null || echo ro";
        Process p = sandbox.start(new Sandbox.Launch(20011, script, Map.of("PATH", "/usr/bin:/bin"), one, List.of(),
                Optional.empty(), 0, 0), true);
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().lines().toList();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals("denied", lines.get(0), "another app's files: " + lines);
        assertEquals("ro", lines.get(lines.size() - 1), "the node's files are read-only: " + lines);
        if (sandbox.hidesProcesses()) {
            int visible = Integer.parseInt(lines.get(1));
            assertTrue(visible < 6, "only its own processes are visible, not the node's: " + lines);
        }
    }

    @Test
    void openPathRefusesWhatAnAppCannotReach() throws IOException {
        Sandbox sandbox = Sandbox.detect(UIDS, "test");
        Assumptions.assumeTrue(sandbox.switchesUser(), "the node runs as root");
        Path closed = tmp.resolve("closed");
        Files.createDirectories(closed.resolve("inner"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        IOException e = assertThrows(IOException.class, () -> sandbox.openPath(closed.resolve("inner"),
                closed.resolve("inner")));
        assertTrue(e.getMessage().contains("chmod o+x"), e.getMessage());
    }
}
