package io.strato.dea;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How an instance's command is wrapped before it runs: in its own session (so the whole process group
 * can be signalled), in its cgroups, under {@code prlimit} open-file and process limits, and as an
 * unprivileged user when one is configured and the DEA runs as root. Each tool is used only when this
 * machine has it; what is missing is logged once, when the DEA starts, and skipped, except the user
 * switch: a DEA told to run instances as another user does not start rather than run them as root.
 */
final class ProcessSandbox {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSandbox.class);

    private final boolean setsid;
    private final boolean prlimit;
    private final int fdLimit;
    private final int processLimit;
    /** uid:gid the instances run as, or null for the DEA's own user. */
    private final String owner;
    private final List<String> switchUser;

    private ProcessSandbox(boolean setsid, boolean prlimit, int fdLimit, int processLimit, String owner,
                           List<String> switchUser) {
        this.setsid = setsid;
        this.prlimit = prlimit;
        this.fdLimit = fdLimit;
        this.processLimit = processLimit;
        this.owner = owner;
        this.switchUser = List.copyOf(switchUser);
    }

    /**
     * @param cgroupCountsProcesses whether the pids cgroup limits processes already: then prlimit does
     *                              not, because RLIMIT_NPROC counts every process of the user, so instances
     *                              sharing a user would share one limit
     */
    static ProcessSandbox detect(DeaSettings settings, boolean cgroupCountsProcesses) {
        boolean setsid = available("setsid");
        boolean prlimit = available("prlimit");
        if (!setsid) {
            LOG.warn("setsid is not installed: instances do not get their own process group");
        }
        if (!prlimit && (settings.fdLimit() > 0 || settings.processLimit() > 0)) {
            LOG.warn("prlimit is not installed: fdLimit and processLimit are not applied to instances");
        }
        String owner = null;
        List<String> switchUser = List.of();
        String user = settings.runAsUser();
        if (!user.isEmpty()) {
            Optional<String> self = output("id", "-u");
            Optional<String> uid = output("id", "-u", user);
            Optional<String> gid = output("id", "-g", user);
            if (self.isEmpty() || !self.get().equals("0")) {
                LOG.warn("runAsUser={} is ignored: the DEA does not run as root, instances run as its own user", user);
            } else if (uid.isEmpty() || gid.isEmpty()) {
                throw refused(user, "no such user on this machine");
            } else if (available("setpriv")) {
                owner = uid.get() + ":" + gid.get();
                switchUser = List.of("setpriv", "--reuid=" + uid.get(), "--regid=" + gid.get(), "--init-groups", "--");
                LOG.info("Instances run as user {} ({}), switched with setpriv", user, owner);
            } else if (available("runuser")) {
                owner = uid.get() + ":" + gid.get();
                switchUser = List.of("runuser", "-u", user, "--");
                LOG.info("Instances run as user {} ({}), switched with runuser", user, owner);
            } else {
                throw refused(user, "neither setpriv nor runuser is installed");
            }
        }
        return new ProcessSandbox(setsid, prlimit, settings.fdLimit(), cgroupCountsProcesses ? 0 : settings.processLimit(),
                owner, switchUser);
    }

    private static IllegalStateException refused(String user, String why) {
        return new IllegalStateException("runAsUser=" + user + " cannot be used: " + why
                + "; the DEA does not start rather than run instances as root");
    }

    /** The command line that runs {@code shellCommand} with bash inside the sandbox. */
    List<String> wrap(String shellCommand, Optional<InstanceCgroup> cgroup) {
        List<String> argv = new ArrayList<>();
        if (setsid) {
            argv.add("setsid");
        }
        if (cgroup.isPresent()) {
            // the shell joins the groups, then becomes the limited command: nothing runs outside them
            StringBuilder join = new StringBuilder();
            for (Path procs : cgroup.get().procsFiles()) {
                join.append("echo $$ > '").append(procs).append("' && ");
            }
            argv.addAll(List.of("bash", "-c", join + "exec \"$@\"", "strato-instance"));
        }
        if (prlimit && (fdLimit > 0 || processLimit > 0)) {
            argv.add("prlimit");
            if (fdLimit > 0) {
                argv.add("--nofile=" + fdLimit + ":" + fdLimit);
            }
            if (processLimit > 0) {
                argv.add("--nproc=" + processLimit + ":" + processLimit);
            }
            argv.add("--");
        }
        argv.addAll(switchUser);
        argv.addAll(List.of("bash", "-c", shellCommand));
        return argv;
    }

    /** Hands an instance's directory to the user it runs as. */
    void giveToInstanceUser(Path dir) throws IOException, InterruptedException {
        if (owner == null) {
            return;
        }
        Process chown = new ProcessBuilder("chown", "-R", owner, dir.toString()).redirectErrorStream(true).start();
        String out = new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (chown.waitFor() != 0) {
            throw new IOException("could not hand the instance directory to the instance user: " + out);
        }
    }

    /**
     * Lets the instance user reach its own directory: the DEA's directories become traversable (not
     * readable) by others, so one instance cannot list another's.
     */
    void openBaseDir(Path baseDir) throws IOException {
        if (owner == null) {
            return;
        }
        Set<PosixFilePermission> traverse = PosixFilePermissions.fromString("rwx--x--x");
        Path instances = baseDir.resolve("instances");
        Files.createDirectories(instances);
        Files.setPosixFilePermissions(baseDir, traverse);
        Files.setPosixFilePermissions(instances, traverse);
        // the directories above baseDir are not the DEA's to open: it only checks that they let the user by
        List<String> reach = new ArrayList<>(switchUser);
        reach.addAll(List.of("test", "-x", instances.toString()));
        if (!succeeds(reach)) {
            throw new IOException("the instance user cannot reach " + instances
                    + ": every directory above it must be traversable by others (chmod o+x)");
        }
    }

    /** Whether the instance command starts a new session, so that its process group id is its pid. */
    boolean ownProcessGroup() {
        return setsid;
    }

    private static boolean available(String tool) {
        return output("bash", "-c", "command -v " + tool).isPresent();
    }

    private static boolean succeeds(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Optional<String> output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
                return Optional.of(out);
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }
}
