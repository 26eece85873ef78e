import io.strato.api.sandbox.Sandbox;
import io.strato.api.sandbox.SandboxCgroup;
import io.strato.api.sandbox.SandboxCgroups;
import io.strato.api.sandbox.UidRange;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Start of one Node.js instance to its first HTTP 200: bare ({@code node server.js} as root, nothing
 * around it) against the DEA's sandbox (cgroups, prlimit, the app's own uid, bubblewrap namespaces, the
 * environment on a pipe), interleaved in one run; and the memory the sandbox adds to an idle instance (the
 * resident memory of every process of the launch that is not the app). Run by bench/sandbox.sh.
 */
public final class SandboxBench {

    private static final String SERVER = "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT);\n";

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]).toAbsolutePath();
        int port = Integer.parseInt(args[2]);
        Sandbox sandbox = Sandbox.detect(UidRange.DEFAULT, "bench");
        SandboxCgroups cgroups = SandboxCgroups.detect("bench", "sandbox-bench");
        sandbox.openPath(work, work);
        List<Double> bare = new ArrayList<>();
        List<Double> boxed = new ArrayList<>();
        List<Long> overheadKb = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path app = Files.createDirectories(work.resolve("app-" + i));
            Files.writeString(app.resolve("server.js"), SERVER);
            if (i % 2 == 0) {
                bare.add(timeBare(app, port)); // each side goes first in every other run
            }
            sandbox.handOver(app, UidRange.DEFAULT.from() + i);
            Optional<SandboxCgroup> cgroup = cgroups.create("run-" + i, 256, 1024);
            long start = System.nanoTime();
            Process p = sandbox.start(new Sandbox.Launch(UidRange.DEFAULT.from() + i, "node server.js",
                    Map.of("PORT", String.valueOf(port), "PATH", "/usr/local/bin:/usr/bin:/bin"), app, List.of(app),
                    cgroup, 16384, cgroups.limitsProcesses() ? 0 : 1024), true);
            awaitOk(port);
            boxed.add((System.nanoTime() - start) / 1e9);
            Thread.sleep(300);
            overheadKb.add(p.descendants().filter(h -> !h.info().command().orElse("").endsWith("/node"))
                    .mapToLong(h -> rssKb(h.pid())).sum() + rssKb(p.pid()));
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            cgroup.ifPresent(SandboxCgroup::remove);
            awaitClosed(port);
            if (i % 2 == 1) {
                bare.add(timeBare(app, port));
            }
        }
        cgroups.close();
        double b = median(bare);
        double s = median(boxed);
        System.out.printf("sandbox: %s%n", sandbox.describe());
        System.out.printf("start to first 200, median of %d: bare node %.3f s, sandboxed %.3f s, ratio %.2f (min %.3f / %.3f, max %.3f / %.3f)%n",
                runs, b, s, s / b, Collections.min(bare), Collections.min(boxed), Collections.max(bare), Collections.max(boxed));
        System.out.printf("memory the sandbox adds to an idle instance (RSS of its own processes), median: %d KB%n",
                (long) median(overheadKb.stream().map(Long::doubleValue).toList()));
    }

    private static double timeBare(Path app, int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", "server.js").directory(app.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PORT", String.valueOf(port));
        long start = System.nanoTime();
        Process p = pb.start();
        awaitOk(port);
        double t = (System.nanoTime() - start) / 1e9;
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        awaitClosed(port);
        return t;
    }

    private static void awaitOk(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
                c.setConnectTimeout(200);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("nothing answered on port " + port + " within 30 s");
    }

    private static void awaitClosed(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                Thread.sleep(25);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            return 0;
        }
        return 0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
