package io.strato.itests;

import org.junit.After;
import org.junit.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Data services on an assembled micro cloud: a Node.js app whose stackato.yml asks for a postgresql and
 * a redis service is pushed, talks to both through the credentials in VCAP_SERVICES, and finds its
 * data again after the node is killed and restarted.
 */
public class ServicesIT {

    private static final Path WORK = Path.of("target", "services");
    private StratoNode node;

    @After
    public void stopNode() throws InterruptedException {
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void appUsesBoundPostgresqlAndRedisAndKeepsItsDataAcrossARestart() throws Exception {
        node = new StratoNode("services", 6, WORK.resolve("nodes"));
        int routerPort = 20000 + 100 * 6 + 6;
        node.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + routerPort);
        node.start().awaitReady(Duration.ofSeconds(180));
        String added = node.shell("kato:role-add micro-cloud");
        assertTrue(added, added.contains("postgresql, mysql, rabbit, redis, filesystem, mongodb"));
        node.shell("kato:user-add --admin --password s3cret-pass dev");

        Path cliHome = Files.createDirectories(WORK.resolve("cli-home"));
        Path app = Files.createDirectories(WORK.resolve("apps/visits"));
        Files.writeString(app.resolve("package.json"), "{\"name\":\"visits\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"},"
                + "\"dependencies\":{\"pg\":\"8.13.1\",\"redis\":\"4.7.0\"}}\n");
        Files.writeString(app.resolve("stackato.yml"), "name: visits\nmem: 256M\nservices:\n  visitsdb: postgresql\n  hits: redis\n");
        Files.writeString(app.resolve("server.js"), String.join("\n",
                "const http = require('http');",
                "const { Client } = require('pg');",
                "const { createClient } = require('redis');",
                "const services = JSON.parse(process.env.VCAP_SERVICES);",
                "http.createServer(async (req, res) => {",
                "  try {",
                "    const pg = new Client({ connectionString: services.postgresql[0].credentials.uri });",
                "    await pg.connect();",
                "    await pg.query('CREATE TABLE IF NOT EXISTS visits (at TIMESTAMP DEFAULT now())');",
                "    await pg.query('INSERT INTO visits DEFAULT VALUES');",
                "    const rows = (await pg.query('SELECT count(*) AS n FROM visits')).rows[0].n;",
                "    await pg.end();",
                "    const redis = createClient({ url: services.redis[0].credentials.uri });",
                "    await redis.connect();",
                "    const hits = await redis.incr('hits');",
                "    await redis.quit();",
                "    res.end(`rows=${rows} hits=${hits} database_url=${process.env.DATABASE_URL === services.postgresql[0].credentials.uri}\\n`);",
                "  } catch (e) { res.statusCode = 500; res.end('error: ' + e.message + '\\n'); }",
                "}).listen(process.env.PORT);", ""));

        assertEquals(0, node.cli(cliHome, app, "target", "http://127.0.0.1:" + node.httpPort).exit());
        assertEquals(0, node.cli(cliHome, app, "login", "--username", "dev", "--password", "s3cret-pass").exit());
        // every data service of the group runs in the node: offered, healthy, provisioned and deleted for real
        String market = node.cli(cliHome, app, "marketplace").output();
        for (String label : List.of("postgresql", "mysql", "rabbitmq", "redis", "mongodb", "filesystem")) {
            assertTrue(market, market.contains(label));
        }
        for (String[] s : new String[][] {{"mysql", "orders"}, {"rabbitmq", "jobs"}}) {
            StratoNode.CliResult created = node.cli(cliHome, app, "create-service", s[0], s[1]);
            assertEquals(created.output(), 0, created.exit());
        }
        String status = node.awaitShell("kato:status", s -> s.contains("Data services:") && !s.contains("(DOWN)"),
                Duration.ofSeconds(30));
        assertTrue(status, status.contains("mysql on services") && status.contains("rabbitmq on services"));
        for (String name : List.of("orders", "jobs")) {
            StratoNode.CliResult deleted = node.cli(cliHome, app, "delete-service", name);
            assertEquals(deleted.output(), 0, deleted.exit());
        }

        StratoNode.CliResult push = node.cli(cliHome, app, "push");
        assertEquals(push.output(), 0, push.exit());

        assertEquals("rows=1 hits=1 database_url=true", visit(routerPort));
        assertEquals("rows=2 hits=2 database_url=true", visit(routerPort));
        String env = node.cli(cliHome, app, "env", "visits").output();
        assertTrue(env, env.contains("\"postgresql\"") && env.contains("\"redis\"") && env.contains("\"credentials\""));

        String refused = node.cli(cliHome, app, "delete-service", "visitsdb").output();
        assertTrue(refused, refused.toLowerCase().contains("bound"));

        // kill -9 of the node's JVM: its data servers and app instances die with it (left running, they would hold
        // their ports against the restarted node); started again, services, bindings and data are all still there
        long killedAt = System.nanoTime();
        node.signalJvm("KILL");
        List<String> left = node.awaitNothingLeft(Duration.ofSeconds(5));
        assertTrue("still running after the node's JVM was killed: " + left, left.isEmpty());
        System.out.printf("[ServicesIT] node JVM killed -> nothing of the node runs after %.1f s%n", (System.nanoTime() - killedAt) / 1e9);
        node.kill();
        node.start().awaitReady(Duration.ofSeconds(180));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String third = "";
        while (System.nanoTime() < deadline && !third.startsWith("rows=")) {
            third = StratoNode.routerGet(routerPort, "visits.localhost");
            third = third.substring(third.indexOf('\n') + 1).trim();
            Thread.sleep(1000);
        }
        assertEquals("rows=3 hits=3 database_url=true", third);

        assertEquals(0, node.cli(cliHome, app, "unbind-service", "hits", "visits").exit());
        assertEquals(0, node.cli(cliHome, app, "delete-service", "hits").exit());
        String services = node.cli(cliHome, app, "services").output();
        assertFalse(services, services.contains("hits"));
        assertTrue(services, services.contains("visitsdb"));
    }

    private static String visit(int routerPort) throws Exception {
        String response = StratoNode.routerGet(routerPort, "visits.localhost");
        assertTrue(response, response.startsWith("HTTP/1.1 200"));
        return response.substring(response.indexOf('\n') + 1).trim();
    }
}
