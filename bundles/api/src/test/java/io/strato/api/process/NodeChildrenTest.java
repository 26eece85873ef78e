package io.strato.api.process;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeChildrenTest {

    @Test
    void aUserSwitchKeepsTheDeathSignalInTheSameSetpriv() {
        // the kernel clears the signal on a uid change: a separate, outer setpriv would set it for nothing
        assertEquals(List.of("setpriv", "--pdeathsig", "KILL", "--reuid=strato-redis", "--", "redis-server"),
                NodeChildren.diesWithNode(List.of("setpriv", "--reuid=strato-redis", "--", "redis-server")));
    }

    @Test
    void aServerDiesWhenItsParentIsKilled() throws Exception {
        Assumptions.assumeTrue(NodeChildren.setprivInstalled(), "util-linux setpriv is installed");
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> server = root
                ? List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "sleep", "60")
                : List.of("sleep", "60");
        // bash stands for the node's JVM: it starts the server, prints its pid, and is killed with -9
        Process parent = new ProcessBuilder("bash", "-c", String.join(" ", NodeChildren.diesWithNode(server)) + " & echo $!; wait")
                .start();
        long pid = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII))
                .readLine().trim());
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
        try {
            Thread.sleep(300); // until setpriv has armed the signal and exec'd the server
            assertTrue(child.isAlive());
            parent.destroyForcibly();
            assertTrue(child.onExit().get(5, TimeUnit.SECONDS) != null && !child.isAlive(), "the server outlived its parent");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aChildOutlivesTheThreadThatAskedForIt() throws Exception {
        // the signal fires when the thread that started a process ends: a pooled worker that retires must not take
        // the node's servers with it
        Assumptions.assumeTrue(NodeChildren.setprivInstalled(), "util-linux setpriv is installed");
        Process[] started = new Process[1];
        Thread asker = new Thread(() -> {
            try {
                started[0] = NodeChildren.start(new ProcessBuilder(NodeChildren.diesWithNode(List.of("sleep", "30"))));
                Thread.sleep(300);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        asker.start();
        asker.join();
        try {
            assertFalse(started[0].waitFor(1500, TimeUnit.MILLISECONDS), "the child died with the thread that asked for it");
        } finally {
            started[0].destroyForcibly();
        }
    }
}
