package io.strato.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.After;
import org.junit.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

/**
 * A hostile app on an assembled micro cloud. Its pre-staging hook and the running app try everything an
 * uploaded program could try against the node and the other tenants: read the cluster secret, the Derby
 * store and karaf.log, another app's environment and files, signal it, connect to the cluster port, Karaf
 * SSH, the node's HTTP port and another app's unauthenticated data service, rewrite a data server's files,
 * and run its own {@code bash} as root through {@code PATH}. Every attempt must fail, and what the app may
 * do (its own files, its own bound service, other apps through the router) must still work.
 */
public class IsolationIT {

    private static final Path WORK = Path.of("target", "isolation");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SLOT = 10;
    private StratoNode node;

    @After
    public void stopNode() throws InterruptedException {
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void aHostileAppReachesNothingButItsOwn() throws Exception {
        node = new StratoNode("isolation", SLOT, WORK.resolve("nodes"));
        int routerPort = 20000 + 100 * SLOT + 6;
        node.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + routerPort);
        node.start().awaitReady(Duration.ofSeconds(180));
        node.shell("kato:role-add micro-cloud");
        node.shell("kato:user-add --admin --password s3cret-pass dev");
        Path home = node.home.toAbsolutePath();

        Path cliHome = Files.createDirectories(WORK.resolve("cli-home"));
        Path apps = Files.createDirectories(WORK.resolve("apps"));
        assertEquals(0, node.cli(cliHome, apps, "target", "http://127.0.0.1:" + node.httpPort).exit());
        assertEquals(0, node.cli(cliHome, apps, "login", "--username", "dev", "--password", "s3cret-pass").exit());

        // the victim: a secret in its environment, a postgresql and an unauthenticated mongodb bound to it
        Path victim = Files.createDirectories(apps.resolve("victim"));
        Files.writeString(victim.resolve("package.json"), "{\"name\":\"victim\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        Files.writeString(victim.resolve("stackato.yml"), "name: victim\nmem: 128M\nenv:\n  VICTIM_SECRET: victim-s3cret-value\n"
                + "services:\n  victimdb: postgresql\n  victimdocs: mongodb\n");
        Files.writeString(victim.resolve("server.js"), String.join("\n",
                "const id = require('crypto').randomBytes(6).toString('hex');",
                "require('fs').writeFileSync('victim-file.txt', 'victim data');",
                "require('http').createServer((q, s) => s.end(JSON.stringify({id, port: process.env.PORT,",
                "  services: JSON.parse(process.env.VCAP_SERVICES)}))).listen(process.env.PORT);", ""));
        StratoNode.CliResult pushed = node.cli(cliHome, victim, "push");
        assertEquals(pushed.output(), 0, pushed.exit());
        JsonNode victimInfo = JSON.readTree(body(routerPort, "victim.localhost", "/"));
        String victimId = victimInfo.path("id").asText();
        int mongoPort = victimInfo.path("services").path("mongodb").get(0).path("credentials").path("port").asInt();
        int victimPort = victimInfo.path("port").asInt();
        assertTrue("the victim's mongodb answers on a port", mongoPort > 0);
        Path victimDir = instanceDirs(home).stream().filter(d -> Files.exists(d.resolve("app/victim-file.txt")))
                .findFirst().orElseThrow();
        Path pgHba;
        try (Stream<Path> files = Files.walk(home.resolve("data"))) {
            pgHba = files.filter(p -> p.getFileName().toString().equals("pg_hba.conf")).findFirst().orElseThrow();
        }
        String pgHbaBefore = Files.readString(pgHba);

        // the attacker: its own redis, a bash of its own first in PATH, a hook that goes for the node's secrets
        Path hostile = Files.createDirectories(apps.resolve("hostile"));
        Files.createDirectories(hostile.resolve("bin"));
        Files.writeString(hostile.resolve("bin/bash"), "#!/bin/sh\nid -u >> \"$(dirname \"$0\")/../ran-as.txt\"\nexec /bin/bash \"$@\"\n");
        hostile.resolve("bin/bash").toFile().setExecutable(true, false);
        Files.writeString(hostile.resolve("package.json"), "{\"name\":\"hostile\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        Files.writeString(hostile.resolve("stackato.yml"), String.join("\n",
                "name: hostile", "mem: 128M",
                "env:", "  PATH: bin:/usr/local/bin:/usr/bin:/bin", "  BASH_ENV: bin/env.sh", "  NODE_HOME: " + home, "  ROUTER_PORT: " + routerPort,
                "services:", "  mine: redis",
                "hooks:", "  pre-staging:",
                "    - bash -c 'id -u' > staging-uid.txt",
                "    - cat $NODE_HOME/etc/strato-cluster.properties > staged-secret.txt 2>&1 || true",
                "    - head -c 300 $NODE_HOME/data/log/karaf.log > staged-log.txt 2>&1 || true", ""));
        Files.writeString(hostile.resolve("bin/env.sh"), "id -u >> \"$STACKATO_APP_ROOT/bash-env-ran-as.txt\" 2>/dev/null\n");
        Files.writeString(hostile.resolve("server.js"), HOSTILE_JS);
        StratoNode.CliResult hostilePush = node.cli(cliHome, hostile, "push");
        assertEquals(hostilePush.output(), 0, hostilePush.exit());

        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("read", Map.of(
                "cluster secret", home.resolve("etc/strato-cluster.properties").toString(),
                "karaf keys", home.resolve("etc/keys.properties").toString(),
                "admin password", home.resolve("etc/strato-admin.password").toString(),
                "karaf.log", home.resolve("data/log/karaf.log").toString(),
                "victim file", victimDir.resolve("app/victim-file.txt").toString(),
                "victim server.js", victimDir.resolve("app/server.js").toString()));
        targets.put("list", Map.of(
                "data", home.resolve("data").toString(),
                "etc", home.resolve("etc").toString(),
                "instances", victimDir.getParent().toString(),
                "victim dir", victimDir.toString(),
                "store", storeDir(home).toString()));
        targets.put("append", Map.of("pg_hba.conf", pgHba.toString()));
        targets.put("connect", Map.of(
                "cluster port", node.clusterPort, "karaf ssh", node.sshPort, "node http", node.httpPort,
                "victim mongodb", mongoPort, "victim instance", victimPort));
        targets.put("victimSecret", "victim-s3cret-value");
        String encoded = Base64.getUrlEncoder().encodeToString(JSON.writeValueAsBytes(targets));
        JsonNode report = JSON.readTree(body(routerPort, "hostile.localhost", "/attack?t=" + encoded));
        System.out.println("[IsolationIT] what the hostile app got: " + report.toPrettyString());

        // where the node lies under /tmp, the sandbox's private /tmp holds the mount points of the app's own
        // directory: a listing may show the names on that path, nothing else
        Path ownDir = instanceDirs(home).stream().filter(d -> Files.exists(d.resolve("app/own.txt"))).findFirst().orElseThrow();
        List<String> ownPath = new ArrayList<>();
        ownDir.forEach(p -> ownPath.add(p.toString()));
        List<String> got = new ArrayList<>();
        report.path("results").fields().forEachRemaining(e -> {
            String result = e.getValue().asText();
            boolean ownMountPoints = e.getKey().startsWith("list ") && result.startsWith("GOT ")
                    && ownPath.containsAll(List.of(result.substring(4).split(",")));
            if (!result.startsWith("denied") && !ownMountPoints) {
                got.add(e.getKey() + " -> " + result);
            }
        });
        assertEquals("every attack failed", List.of(), got);
        assertEquals("no other app's environment is readable", 0, report.path("environsWithVictimSecret").asInt());
        assertTrue("only its own processes are visible: " + report.path("visiblePids"),
                report.path("visiblePids").size() < 8);
        String secret = Files.readString(home.resolve("etc/strato-cluster.properties"));
        String secretValue = secret.lines().filter(l -> l.startsWith("secret")).findFirst().orElseThrow()
                .replaceFirst("^secret\\s*[=:]\\s*", "");
        assertFalse("the app never sees the cluster secret", report.toString().contains(secretValue));

        // the legitimate path still works
        assertEquals("ok", report.path("ownFile").asText());
        assertEquals("connected", report.path("ownService").asText());
        assertEquals("connected", report.path("router").asText());
        int uid = report.path("uid").asInt();
        assertTrue("the app runs as an app uid, not root or nobody: " + uid, uid >= 20000 && uid < 30000);
        // its own bash and BASH_ENV ran, but never as root: not in staging, not on the DEA
        assertEquals(String.valueOf(uid), report.path("stagingUid").asText().trim());
        for (String marker : List.of("ranAs", "bashEnvRanAs")) {
            List<String> uids = report.path(marker).asText().lines().filter(l -> !l.isBlank()).toList();
            assertFalse(marker + " shows the app's own bash ran", uids.isEmpty());
            assertTrue(marker + ": " + uids, uids.stream().allMatch(String.valueOf(uid)::equals));
        }
        assertTrue(report.path("stagedSecret").asText(), report.path("stagedSecret").asText().contains("Permission denied")
                || report.path("stagedSecret").asText().contains("No such file"));
        assertFalse(report.path("stagedLog").asText(), report.path("stagedLog").asText().contains("INFO"));

        // nothing of the victim changed: same process, same data server configuration
        JsonNode after = JSON.readTree(body(routerPort, "victim.localhost", "/"));
        assertEquals("the victim's instance was not signalled", victimId, after.path("id").asText());
        assertEquals(pgHbaBefore, Files.readString(pgHba));
        assertNotEquals("apps run as different uids", uid, ownerUid(victimDir));
        assertFalse("a password given to kato:user-add is not logged", node.log().contains("s3cret-pass"));

        // kill -9 of the node's JVM alone, not its process tree: the instances die with it, none is left serving
        assertTrue(HostProcesses.listeningOn(victimPort).isPresent());
        long killedAt = System.nanoTime();
        node.signalJvm("KILL");
        long deadline = killedAt + Duration.ofSeconds(10).toNanos();
        while (HostProcesses.listeningOn(victimPort).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse("the victim's instance outlived its node's JVM", HostProcesses.listeningOn(victimPort).isPresent());
        System.out.printf("[IsolationIT] node JVM killed -> its instances gone after %.1f s%n", (System.nanoTime() - killedAt) / 1e9);
    }

    /** The hostile app: GET /attack?t=<base64url JSON of targets> answers what each attempt got. */
    private static final String HOSTILE_JS = String.join("\n",
            "const fs = require('fs'); const net = require('net'); const http = require('http');",
            "const path = require('path');",
            "const services = JSON.parse(process.env.VCAP_SERVICES);",
            "// runs bash by name: the app's own bin/bash, first in its PATH, as the app",
            "try { require('child_process').execSync('bash -c true', {stdio: 'ignore'}); } catch (e) { }",
            "function attempt(f) { try { const r = f(); return 'GOT ' + String(r).slice(0, 80); }",
            "  catch (e) { return 'denied: ' + e.code; } }",
            "function connect(port, host) { return new Promise(done => {",
            "  const s = net.connect({port, host: host || '127.0.0.1'});",
            "  const t = setTimeout(() => { s.destroy(); done('denied: timeout'); }, 3000);",
            "  s.on('connect', () => { clearTimeout(t); s.destroy(); done('connected'); });",
            "  s.on('error', e => { clearTimeout(t); done('denied: ' + e.code); }); }); }",
            "function readOr(f) { try { return fs.readFileSync(f, 'utf8'); } catch (e) { return ''; } }",
            "http.createServer(async (req, res) => {",
            "  const url = new URL(req.url, 'http://x');",
            "  if (url.pathname !== '/attack') { res.end('hostile'); return; }",
            "  const t = JSON.parse(Buffer.from(url.searchParams.get('t'), 'base64url').toString());",
            "  const results = {};",
            "  for (const [k, f] of Object.entries(t.read)) results['read ' + k] = attempt(() => fs.readFileSync(f, 'utf8'));",
            "  for (const [k, d] of Object.entries(t.list)) results['list ' + k] = attempt(() => fs.readdirSync(d).join(','));",
            "  for (const [k, f] of Object.entries(t.append)) results['append ' + k] = attempt(() => { fs.appendFileSync(f, '\\nhost all all 0.0.0.0/0 trust\\n'); return 'written'; });",
            "  for (const [k, p] of Object.entries(t.connect)) results['connect ' + k] = await connect(p);",
            "  const pids = fs.readdirSync('/proc').filter(p => /^\\d+$/.test(p));",
            "  let environs = 0;",
            "  for (const p of pids) { const e = readOr('/proc/' + p + '/environ'); if (e.includes(t.victimSecret)) environs++; }",
            "  for (const p of pids) { const c = readOr('/proc/' + p + '/cwd/victim-file.txt'); if (c) results['cwd of ' + p] = 'GOT ' + c; }",
            "  results['signal the victim'] = attempt(() => { let n = 0; for (const p of pids) {",
            "    if (readOr('/proc/' + p + '/environ').includes(t.victimSecret)) { process.kill(Number(p), 'SIGKILL'); n++; } }",
            "    if (n === 0) { const e = new Error('no victim process visible'); e.code = 'ESRCH'; throw e; } return n; });",
            "  fs.writeFileSync('own.txt', 'ok');",
            "  const redis = services.redis[0].credentials;",
            "  const out = { results, environsWithVictimSecret: environs, visiblePids: pids,",
            "    uid: process.getuid(), ownFile: fs.readFileSync('own.txt', 'utf8'),",
            "    ownService: await connect(redis.port, redis.host),",
            "    router: await connect(Number(process.env.ROUTER_PORT || 0) || Number(new URL('http://' + req.headers.host).port || 80)),",
            "    stagingUid: readOr('staging-uid.txt'), ranAs: readOr('ran-as.txt'), bashEnvRanAs: readOr('bash-env-ran-as.txt'),",
            "    stagedSecret: readOr('staged-secret.txt'), stagedLog: readOr('staged-log.txt') };",
            "  res.setHeader('Content-Type', 'application/json'); res.end(JSON.stringify(out));",
            "}).listen(process.env.PORT);", "");

    private static List<Path> instanceDirs(Path home) throws IOException {
        try (Stream<Path> dirs = Files.list(home.resolve("data/strato/dea/instances"))) {
            return dirs.toList();
        }
    }

    private static Path storeDir(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home.resolve("data"))) {
            return files.filter(p -> p.getFileName().toString().equals("service.properties")
                    && Files.exists(p.getParent().resolve("seg0"))).map(Path::getParent).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Derby store under " + home.resolve("data")));
        }
    }

    private static int ownerUid(Path dir) throws IOException {
        return ((Number) Files.getAttribute(dir, "unix:uid")).intValue();
    }

    /** GET through the router with a path; @return the body of a 200 */
    private static String body(int routerPort, String host, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", routerPort)) {
                socket.setSoTimeout(60_000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                last = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (last.startsWith("HTTP/1.1 200")) {
                    return last.substring(last.indexOf("\r\n\r\n") + 4);
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError(host + path + " did not answer 200 within 60 s: " + last);
    }
}
