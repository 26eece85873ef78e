package io.strato.role.dea;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.InstanceUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instance stats as `strato app` and the console show them: CPU share, resident memory, directory size. */
class InstanceMeterTest {

    @TempDir
    Path tmp;

    /** A process as /proc shows it: a command name with a space and parentheses, CPU ticks and resident pages. */
    private void process(long pid, long utime, long stime, long residentPages) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("proc").resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (node (app) x) S 1 1 1 0 -1 4194560 100 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 7 0 12345 1000000 2000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
        Files.writeString(dir.resolve("statm"), "5000 " + residentPages + " 300 10 0 400 0\n");
    }

    @Test
    void cpuIsTheShareOfOneCoreSinceTheLastMeasurementOverAllProcesses() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("instance"));
        Files.write(home.resolve("app.js"), new byte[10_000]);
        InstanceMeter meter = new InstanceMeter(tmp.resolve("proc"));
        process(10, 100, 50, 1000);
        process(11, 20, 0, 24);

        InstanceUsage first = meter.measure("i-1", "app-1", Set.of(10L, 11L), home, 1_000_000);
        assertEquals(0, first.cpu(), "no earlier measurement: no share yet");
        assertEquals(1024 * 4096L, first.memBytes());
        assertEquals(10_000, first.diskBytes());

        // 2 s later both processes used 150 ticks more (1.5 s of CPU): three quarters of a core
        process(10, 180, 100, 1000);
        process(11, 40, 0, 24);
        InstanceUsage second = meter.measure("i-1", "app-1", Set.of(10L, 11L), home, 1_002_000);
        assertEquals(0.75, second.cpu(), 1e-9);
    }

    @Test
    void goneProcessesCountAsNothingAndTheDirectoryIsWalkedOnlyNowAndThen() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("instance"));
        Files.write(home.resolve("a"), new byte[100]);
        InstanceMeter meter = new InstanceMeter(tmp.resolve("proc"));
        InstanceUsage gone = meter.measure("i-1", "app-1", Set.of(999L), home, 1_000);
        assertEquals(0, gone.memBytes());
        assertEquals(100, gone.diskBytes());

        Files.write(home.resolve("b"), new byte[500]);
        assertEquals(100, meter.measure("i-1", "app-1", Set.of(), home, 2_000).diskBytes(), "walked again only later");
        assertEquals(600, meter.measure("i-1", "app-1", Set.of(), home, 2_000 + InstanceMeter.DISK_EVERY_MS).diskBytes());

        meter.retain(List.of());
        assertTrue(meter.measure("i-1", "app-1", Set.of(), home, 100_000).cpu() == 0, "a forgotten instance starts over");
    }

    @Test
    void thisJvmMeasuresItselfFromTheRealProc() {
        InstanceUsage self = new InstanceMeter(Path.of("/proc")).measure("self", "app", Set.of(ProcessHandle.current().pid()),
                tmp, System.currentTimeMillis());
        assertTrue(self.memBytes() > 10L * 1024 * 1024, "a JVM holds more than 10 MB: " + self.memBytes());
    }
}
