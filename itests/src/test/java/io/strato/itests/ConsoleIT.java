package io.strato.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.After;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Management Console in a real browser (Debian's chromium, headless, through chromedriver) against an
 * assembled micro cloud: log in, push a zip, scale, stop and start, the live log, a killed instance, a bound
 * postgresql, a user an admin creates, and an app name that tries to inject markup. Screenshots of each page
 * go to target/screenshots/.
 */
public class ConsoleIT {

    private static final Path WORK = Path.of("target", "console");
    private static final Path SHOTS = Path.of("target", "screenshots");
    private static final int SLOT = 30;
    private static final int ROUTER_PORT = 20000 + 100 * SLOT + 6;
    private static final String PASSWORD = "console-admin-pass";
    private static final String XSS = "<img src=x onerror=alert(1)>";

    private StratoNode node;
    private WebDriver browser;
    private String base;

    @After
    public void stop() throws InterruptedException {
        if (browser != null) {
            browser.quit();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void aDevelopersAndAnAdminsDayInTheConsole() throws Exception {
        node = new StratoNode("console", SLOT, WORK.resolve("nodes"));
        node.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + ROUTER_PORT);
        node.start().awaitReady(Duration.ofSeconds(180));
        String added = node.shell("kato:role-add micro-cloud");
        assertTrue(added, added.contains("Added roles"));
        assertTrue(node.shell("kato:user-add --admin --password " + PASSWORD + " admin1").contains("admin1"));
        base = "http://127.0.0.1:" + node.httpPort;
        Path zip = appZip();
        Files.createDirectories(SHOTS);

        securityHeaders();
        browser = chrome();
        long t0 = System.nanoTime();

        // log in
        browser.get(base + "/");
        await(d -> d.getCurrentUrl().endsWith("/console/") && !d.findElements(By.id("username")).isEmpty(), 30);
        shot("01-login");
        login("admin1", PASSWORD);
        await(d -> !d.findElements(By.id("app-list")).isEmpty(), 20);
        System.out.println("[ConsoleIT] the console at " + browser.getCurrentUrl());
        String stored = (String) js("return JSON.stringify(Object.assign({}, localStorage)) + location.href");
        assertFalse("the token is never in localStorage or the URL: " + stored, stored.contains("eyJ"));

        // push a zip from the browser: the staging log streams, the app page opens when it runs
        go("#/push");
        await(d -> !d.findElements(By.id("push-file")).isEmpty(), 20);
        browser.findElement(By.id("push-file")).sendKeys(zip.toAbsolutePath().toString());
        type(By.id("push-name"), "web");
        browser.findElement(By.id("push")).click();
        await(d -> text(By.id("staging-log")).contains("Detected runtime"), 120);
        shot("02-push-staging");
        await(d -> d.getCurrentUrl().matches(".*#/apps/[0-9a-f-]{36}$"), 120);
        String appGuid = browser.getCurrentUrl().replaceAll(".*#/apps/", "");
        awaitRunning(1, 60);
        System.out.printf("[ConsoleIT] login to a pushed app running: %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // scale to 3
        type(By.id("scale-instances"), "3");
        browser.findElement(By.cssSelector("#scale button[type=submit]")).click();
        awaitRunning(3, 90);
        assertTrue(text(By.id("quota")), text(By.id("quota")).contains("memory in use"));
        // each instance's CPU and memory, as its DEA measured them a few seconds ago
        await(d -> text(By.cssSelector("tr.instance[data-index='0'] td:nth-child(6)")).matches("[0-9.]+ (KB|MB) of .*")
                && text(By.cssSelector("tr.instance[data-index='0'] td:nth-child(5)")).matches("[0-9.]+ %"), 30);
        shot("03-app-overview");

        // stop and start
        browser.findElement(By.id("stop")).click();
        await(d -> text(By.id("app-state")).equals("STOPPED") && text(By.id("instances")).contains("stopped"), 30);
        browser.findElement(By.id("start")).click();
        awaitRunning(3, 90);

        // the live log: a request's line shows within 2 s
        go("#/apps/" + appGuid + "/logs");
        await(d -> text(By.id("log-status")).startsWith("Following"), 20);
        String nonce = "probe-" + System.nanoTime();
        long asked = awaitRouted("/" + nonce);
        await(d -> text(By.id("log")).contains(nonce), 5);
        double logSeconds = (System.nanoTime() - asked) / 1e9;
        System.out.printf("[ConsoleIT] request to its log line in the browser: %.2f s%n", logSeconds);
        assertTrue("the log line showed after " + logSeconds + " s", logSeconds <= 2.0);
        shot("04-app-logs");

        // 100 lines a second: the page keeps answering and keeps a bounded number of rows
        awaitRouted("/flood");
        await(d -> text(By.id("log")).contains("flood line 100"), 10);
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            js("return document.querySelectorAll('#log .log-line').length");
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            Thread.sleep(100);
        }
        await(d -> text(By.id("log")).contains("flood line 499"), 15);
        long rows = (Long) js("return document.querySelectorAll('#log .log-line').length");
        System.out.printf("[ConsoleIT] 100 log lines a second: slowest page answer %d ms, %d rows kept%n", slowest, rows);
        // a frozen page answers after seconds, if at all; a busy machine alone can make a live one take a few hundred ms
        assertTrue("the page answered within 2 s while flooded (slowest " + slowest + " ms)", slowest < 2000);
        assertTrue(rows + " rows", rows <= 1000);

        // kill an instance: its crash shows, then it runs again
        go("#/apps/" + appGuid + "/overview");
        awaitRunning(3, 30);
        String host = text(By.cssSelector("tr.instance[data-index='2'] td:nth-child(3)"));
        int port = Integer.parseInt(host.substring(host.lastIndexOf(':') + 1));
        HostProcesses.killListener(port);
        long killed = System.nanoTime();
        await(d -> text(By.cssSelector("tr.instance[data-index='2']")).contains("CRASHED"), 20);
        awaitRunning(3, 60);
        System.out.printf("[ConsoleIT] kill -9 to CRASHED and RUNNING again in the browser: %.1f s%n", (System.nanoTime() - killed) / 1e9);
        assertTrue(text(By.cssSelector("tr.instance[data-index='2'] .crash-cell")).contains("signal 9"));

        // a refused access token is renewed with the refresh token, and the page goes on
        js("const s = JSON.parse(sessionStorage.getItem('strato.session')); s.access = 'not-a-token';"
                + "sessionStorage.setItem('strato.session', JSON.stringify(s))");

        // a postgresql instance, bound: in the env, credentials masked until asked
        go("#/services");
        await(d -> text(By.id("marketplace")).contains("postgresql"), 30);
        assertTrue("refreshed", ((String) js("return JSON.parse(sessionStorage.getItem('strato.session')).access")).startsWith("eyJ"));
        type(By.id("service-name"), "db");
        new Select(browser.findElement(By.id("service-plan"))).selectByVisibleText(planOf("postgresql"));
        browser.findElement(By.cssSelector("#create-service button")).click();
        await(d -> text(By.id("service-instances")).contains("db"), 90);
        shot("05-services");
        go("#/apps/" + appGuid + "/services");
        await(d -> !d.findElements(By.cssSelector("#bind-instance option")).isEmpty(), 20);
        browser.findElement(By.cssSelector("#bind button")).click();
        await(d -> text(By.id("tab-services")).contains("Unbind"), 60);
        go("#/apps/" + appGuid + "/env");
        await(d -> !d.findElements(By.id("vcap-services")).isEmpty(), 20);
        String masked = text(By.id("vcap-services"));
        assertTrue(masked, masked.contains("postgresql") && masked.contains("••••••"));
        assertFalse(masked, masked.contains("postgres://") || masked.contains("postgresql://"));
        shot("06-app-env");
        browser.findElement(By.id("reveal")).click();
        assertTrue(text(By.id("vcap-services")).contains("password"));

        // an app whose name is markup shows as text, and nothing runs
        String token = (String) js("return JSON.parse(sessionStorage.getItem('strato.session')).access");
        String space = (String) js("return JSON.parse(sessionStorage.getItem('strato.target')).space");
        assertEquals(201, apiPost(token, "/v2/apps", "{\"name\":\"" + XSS + "\",\"space_guid\":\"" + space + "\"}"));
        go("#/apps");
        await(d -> text(By.id("app-list")).contains(XSS), 20);
        assertTrue("no element came from the name", browser.findElements(By.cssSelector("#app-list img")).isEmpty());
        assertNoAlert();
        shot("07-apps-list");

        // the cluster as kato:status shows it
        go("#/admin/cluster");
        await(d -> text(By.id("cluster-nodes")).contains("console") && text(By.id("cluster-services")).contains("postgresql"), 20);
        assertTrue(text(By.id("cluster-summary")).contains("acting on console"));
        shot("08-cluster");

        // an admin creates an organization, a space and a user who then sees only that space
        go("#/admin/orgs");
        await(d -> !d.findElements(By.id("new-org")).isEmpty(), 20);
        type(By.id("new-org"), "acme");
        browser.findElement(By.cssSelector("#create-org button")).click();
        await(d -> text(By.id("orgs")).contains("acme"), 20);
        WebElement acme = browser.findElements(By.cssSelector("#orgs section.org")).stream()
                .filter(s -> s.findElement(By.tagName("h2")).getText().equals("acme")).findFirst().orElseThrow();
        acme.findElement(By.cssSelector("form input")).sendKeys("dev");
        acme.findElement(By.cssSelector("form button")).click();
        await(d -> d.findElements(By.cssSelector("#orgs section.org")).stream()
                .anyMatch(s -> s.getText().contains("acme") && s.getText().contains("dev")), 20);
        shot("09-orgs");
        go("#/admin/users");
        await(d -> !d.findElements(By.id("new-user-name")).isEmpty(), 20);
        type(By.id("new-user-name"), "carol");
        type(By.id("new-user-password"), "carol-long-password");
        browser.findElement(By.cssSelector("#create-user button")).click();
        await(d -> text(By.id("users")).contains("carol"), 20);
        new Select(browser.findElement(By.id("role-user"))).selectByVisibleText("carol");
        new Select(browser.findElement(By.id("role-where"))).selectByVisibleText("acme / dev");
        new Select(browser.findElement(By.id("role-name"))).selectByVisibleText("Developer");
        browser.findElement(By.cssSelector("#give-role button")).click();
        await(d -> d.findElements(By.cssSelector(".notice.info")).stream().anyMatch(n -> n.getText().contains("carol is now developer")), 20);
        shot("10-users");
        browser.findElement(By.id("logout")).click();
        await(d -> !d.findElements(By.id("username")).isEmpty(), 10);
        login("carol", "carol-long-password");
        await(d -> !d.findElements(By.id("app-list")).isEmpty() && text(By.id("app-list")).contains("No apps"), 20);
        assertEquals(List.of("acme"), options(By.id("org")));
        assertEquals(List.of("dev"), options(By.id("space")));
        assertTrue("not an admin: no cluster page", browser.findElements(By.linkText("Cluster")).isEmpty());
        go("#/apps/" + appGuid);
        await(d -> text(By.id("main")).contains("could not be found"), 20);
        go("#/apps");
        await(d -> !d.findElements(By.id("app-list")).isEmpty(), 20);
        shot("11-carol-apps");

        // a phone-sized screen
        browser.manage().window().setSize(new Dimension(390, 844));
        login("admin1", PASSWORD, false);
        go("#/apps/" + appGuid + "/overview");
        awaitRunning(3, 30);
        shot("12-phone-app");
        Number overflow = (Number) js("return document.documentElement.scrollWidth - window.innerWidth");
        assertTrue("the page fits the phone's width (overflow " + overflow + " px)", overflow.intValue() <= 0);
        assertNoAlert();
        System.out.printf("[ConsoleIT] whole browser session: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Every console answer carries the security headers, and the root leads to the console. */
    private void securityHeaders() throws IOException {
        for (String path : new String[] {"/console/", "/console/js/main.js", "/console/missing.js"}) {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            Map<String, List<String>> h = c.getHeaderFields();
            String csp = c.getHeaderField("Content-Security-Policy");
            assertTrue(path + ": " + h, csp != null && csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
            assertEquals(path, "DENY", c.getHeaderField("X-Frame-Options"));
            assertEquals(path, "nosniff", c.getHeaderField("X-Content-Type-Options"));
            assertEquals(path, "no-referrer", c.getHeaderField("Referrer-Policy"));
            c.disconnect();
        }
        HttpURLConnection root = (HttpURLConnection) URI.create(base + "/").toURL().openConnection();
        root.setInstanceFollowRedirects(false);
        root.setRequestProperty("Accept", "text/html"); // a browser; API clients get the root document
        assertEquals(302, root.getResponseCode());
        assertTrue(root.getHeaderField("Location").endsWith("/console/"));
        String viaRouter = StratoNode.routerGet(ROUTER_PORT, "console.localhost", "/console/");
        assertTrue(viaRouter, viaRouter.startsWith("HTTP/1.1 200") && viaRouter.contains("Strato Management Console"));
    }

    private WebDriver chrome() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // root in a container: no sandbox; headless with a desktop-sized window
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--disable-gpu");
        // the page's console messages go into a failure's report
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private void login(String user, String password) {
        login(user, password, true);
    }

    private void login(String user, String password, boolean onPage) {
        if (!onPage) {
            js("sessionStorage.clear()");
            go("#/apps");
            browser.navigate().refresh();
        }
        await(d -> !d.findElements(By.id("username")).isEmpty(), 20);
        type(By.id("username"), user);
        type(By.id("password"), password);
        browser.findElement(By.id("login")).click();
        await(d -> d.findElements(By.id("username")).isEmpty(), 20);
    }

    /** Asks the app for a path through the router until it answers 200 (its routes follow a restart); @return when it did */
    private long awaitRouted(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            long asked = System.nanoTime();
            last = StratoNode.routerGet(ROUTER_PORT, "web.localhost", path);
            if (last.startsWith("HTTP/1.1 200")) {
                return asked;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("web.localhost" + path + " never answered 200; last: " + last);
    }

    /** Waits until the instance table shows {@code count} RUNNING instances. */
    private void awaitRunning(int count, int seconds) {
        await(d -> d.findElements(By.cssSelector("tr.instance")).size() == count
                && d.findElements(By.cssSelector("tr.instance td:nth-child(2) .state-running")).size() == count, seconds);
    }

    private String planOf(String label) {
        return new Select(browser.findElement(By.id("service-plan"))).getOptions().stream().map(WebElement::getText)
                .filter(t -> t.startsWith(label + " — ")).findFirst().orElseThrow();
    }

    private List<String> options(By select) {
        return new Select(browser.findElement(select)).getOptions().stream().map(WebElement::getText).toList();
    }

    private void type(By field, String value) {
        WebElement e = browser.findElement(field);
        e.clear();
        e.sendKeys(value);
    }

    private String text(By locator) {
        List<WebElement> found = browser.findElements(locator);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    /** Follows a link inside the console, as a click on it would. */
    private void go(String hash) {
        js("location.hash = arguments[0]", hash);
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private void await(Function<WebDriver, Boolean> condition, int seconds) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
        } catch (RuntimeException e) {
            shot("failure");
            StringBuilder log = new StringBuilder();
            browser.manage().logs().get(LogType.BROWSER).forEach(entry -> log.append(entry).append('\n'));
            throw new AssertionError("waited " + seconds + " s on " + browser.getCurrentUrl() + "; the page says:\n"
                    + text(By.tagName("body")) + "\nthe browser's console:\n" + log, e);
        }
    }

    private void assertNoAlert() {
        try {
            browser.switchTo().alert();
            throw new AssertionError("an alert fired");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    private void shot(String name) {
        try {
            Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private int apiPost(String token, String path, String json) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Authorization", "bearer " + token);
        c.setRequestProperty("Content-Type", "application/json");
        c.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        return c.getResponseCode();
    }

    /** A Node.js app that logs each request's path. */
    private static Path appZip() throws IOException {
        Files.createDirectories(WORK);
        Path zip = WORK.resolve("web.zip");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("package.json"));
            out.write("{\"name\":\"web\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("server.js"));
            out.write(String.join("\n",
                    "const http = require('http');",
                    "const app = JSON.parse(process.env.VCAP_APPLICATION);",
                    "http.createServer((req, res) => {",
                    "  console.log('request ' + req.url);",
                    "  // /flood: 100 lines a second for 5 s",
                    "  if (req.url === '/flood') { let n = 0; const t = setInterval(() => { console.log('flood line ' + n++); if (n === 500) clearInterval(t); }, 10); }",
                    "  res.end(`hello from instance ${app.instance_index}\\n`);",
                    "}).listen(process.env.PORT, () => console.log('listening on ' + process.env.PORT));", "")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Files.write(zip, bytes.toByteArray());
        return zip;
    }
}
