package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard of a real {@code kiwi serve}, in a real browser (Debian's chromium through
 * Selenium), the way a user meets it: each page loads without console errors; a put through the KV
 * explorer is readable through the REST API, the web terminal and, after SIGTERM, the one-shot CLI;
 * a flush from the UI shows the new L0 file in the SSTable browser; the log view shows the flush's
 * log lines within 2 s; the trace view names the layer that answered; the load generator reaches
 * 100% and the charts move. Each page's screenshot is written to {@code target/screenshots/}.
 */
@Tag("launcher")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path SHOTS = Path.of("target", "screenshots");
  static final List<String> PAGES =
      List.of(
          "/",
          "/kv",
          "/memtables",
          "/sstables",
          "/compactions",
          "/logs",
          "/trace",
          "/load",
          "/terminal",
          "/docs");

  @TempDir static Path work;
  KiwiLauncher kiwi;
  String data;
  ServeProcess serve;
  ChromeDriver browser;
  WebDriverWait wait;

  @BeforeAll
  void start() throws Exception {
    KiwiLauncher.assumePackaged();
    Chromium.assumeInstalled();
    Files.createDirectories(SHOTS);
    kiwi = new KiwiLauncher(work);
    data = work.resolve("data").toString();
    serve = ServeProcess.start(kiwi, data);
    browser = Chromium.start(work.resolve("profile"));
    wait = waitUpTo(Duration.ofSeconds(20));
  }

  /** A wait that also retries while htmx swaps the element being read (outerHTML swaps). */
  private WebDriverWait waitUpTo(Duration d) {
    WebDriverWait w = new WebDriverWait(browser, d, Duration.ofMillis(20));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (serve != null) {
      serve.close();
    }
  }

  private void open(String path) {
    browser.get(serve.base + path);
    wait.until(d -> "complete".equals(browser.executeScript("return document.readyState")));
  }

  private void shot(String name) throws IOException {
    Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private JsonNode api(String method, String path, String body) throws IOException {
    ServeProcess.Response r = serve.request(method, path, body);
    assertTrue(r.status() < 300, method + " " + path + ": " + r);
    return JSON.readTree(r.body());
  }

  private static String name(String path) {
    return path.equals("/") ? "overview" : path.substring(1);
  }

  @Test
  @Order(1)
  void everyPageLoadsWithoutConsoleErrors() throws Exception {
    api("PUT", "/api/kv/user:1", "{\"value\":\"ada\"}");
    api("PUT", "/api/kv/user:2", "{\"value\":\"<script>alert(1)</script>\"}");
    Chromium.consoleErrors(browser); // start clean
    List<String> problems = new ArrayList<>();
    for (String path : PAGES) {
      open(path);
      switch (path) {
        case "/" ->
            wait.until(
                d ->
                    Integer.parseInt(
                            d.findElement(By.id("chart-ops")).getDomAttribute("data-points"))
                        >= 2);
        case "/memtables" ->
            wait.until(d -> !d.findElements(By.cssSelector("#mem table")).isEmpty());
        case "/sstables" ->
            wait.until(d -> !d.findElements(By.cssSelector("#disk .levels")).isEmpty());
        case "/compactions" ->
            wait.until(d -> !d.findElements(By.cssSelector("#compactions .cards")).isEmpty());
        case "/logs" ->
            wait.until(
                d ->
                    "open"
                        .equals(d.findElement(By.id("log-status")).getDomAttribute("data-state")));
        case "/docs" ->
            wait.until(d -> !d.findElements(By.cssSelector("#swagger-ui .info .title")).isEmpty());
        default -> Thread.sleep(300);
      }
      Thread.sleep(700); // a poll or two of the live fragments
      shot(name(path));
      for (String e : Chromium.consoleErrors(browser)) {
        problems.add(path + ": " + e);
      }
      assertTrue(browser.getTitle().contains("kiwi-db"), path + " title " + browser.getTitle());
    }
    assertEquals(List.of(), problems);
  }

  @Test
  @Order(2)
  void aPutThroughTheKvExplorerIsReadableThroughRestAndTheShellCommands() throws Exception {
    open("/kv");
    WebElement form = browser.findElement(By.id("kv-put"));
    form.findElement(By.name("key")).sendKeys("browser:1");
    form.findElement(By.name("value")).sendKeys("written in chromium ✓");
    form.findElement(By.tagName("button")).click();
    wait.until(d -> !d.findElements(By.cssSelector("#kv-result [data-written=true]")).isEmpty());
    // The REST API reads it.
    assertEquals(
        "written in chromium ✓", api("GET", "/api/kv/browser:1", null).get("value").asText());
    // The explorer's own get and scan show it, escaped.
    WebElement get = browser.findElement(By.id("kv-get"));
    get.findElement(By.name("key")).sendKeys("browser:1");
    get.findElement(By.tagName("button")).click();
    wait.until(d -> d.findElements(By.id("kv-value")).size() == 1);
    assertEquals("written in chromium ✓", browser.findElement(By.id("kv-value")).getText());
    WebElement scan = browser.findElement(By.id("kv-scan"));
    scan.findElement(By.name("prefix")).sendKeys("user:");
    scan.findElement(By.name("limit")).clear();
    scan.findElement(By.name("limit")).sendKeys("1");
    scan.findElement(By.tagName("button")).click();
    wait.until(d -> d.findElements(By.id("scan-next")).size() == 1);
    assertEquals("user:1", browser.findElement(By.cssSelector("#scan-result td.k")).getText());
    browser.findElement(By.id("scan-next")).click();
    wait.until(d -> d.findElement(By.cssSelector("#scan-result td.k")).getText().equals("user:2"));
    // A value holding markup is shown as text, never run.
    assertEquals(
        "<script>alert(1)</script>",
        browser.findElement(By.cssSelector("#scan-result td.v")).getText());
    shot("kv");
    // The web terminal speaks the shell's commands.
    open("/terminal");
    WebElement line = browser.findElement(By.id("term-line"));
    line.sendKeys("get browser:1", Keys.ENTER);
    wait.until(d -> d.findElements(By.cssSelector("#term-output .term-out")).size() == 1);
    assertEquals(
        "written in chromium ✓",
        browser.findElement(By.cssSelector("#term-output .term-out")).getText());
    browser.findElement(By.id("term-line")).sendKeys("scan --prefix user: --json", Keys.ENTER);
    wait.until(d -> d.findElements(By.cssSelector("#term-output .term-out")).size() == 2);
    JsonNode scanned =
        JSON.readTree(
            browser.findElements(By.cssSelector("#term-output .term-out")).get(1).getText());
    assertEquals(2, scanned.size());
    browser.findElement(By.id("term-line")).sendKeys("get nope", Keys.ENTER);
    wait.until(d -> d.findElements(By.cssSelector("#term-output .term-exit")).size() == 1);
    assertEquals(
        "exit 1", browser.findElement(By.cssSelector("#term-output .term-exit")).getText());
    shot("terminal");
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  private Set<String> l0Files() throws IOException {
    Set<String> ids = new TreeSet<>();
    api("GET", "/api/disk", null)
        .get("levels")
        .get("L0")
        .forEach(f -> ids.add(f.get("file_id").asText()));
    return ids;
  }

  @Test
  @Order(3)
  void afterAFlushFromTheUiTheSstableBrowserShowsTheNewL0File() throws Exception {
    Set<String> before = l0Files();
    api("PUT", "/api/kv/flush:1", "{\"value\":\"one\"}");
    open("/sstables");
    wait.until(d -> !d.findElements(By.cssSelector("#disk .levels")).isEmpty());
    browser.findElement(By.id("flush")).click();
    wait.until(d -> !d.findElements(By.cssSelector("#flush-result [data-flushed=true]")).isEmpty());
    // The flush runs in the background; the page polls and also refreshes when told it flushed.
    wait.until(
        d -> {
          for (WebElement row : d.findElements(By.cssSelector("tr[data-level=L0]"))) {
            if (!before.contains(row.getDomAttribute("data-file-id"))) {
              return true;
            }
          }
          return false;
        });
    Set<String> after = l0Files();
    after.removeAll(before);
    assertEquals(1, after.size(), "one new L0 file: " + after);
    String id = after.iterator().next();
    WebElement row = browser.findElement(By.cssSelector("tr[data-file-id='" + id + "']"));
    assertTrue(
        browser.findElements(By.cssSelector(".level[data-level=L0] .file")).stream()
            .anyMatch(f -> f.getText().equals(id)),
        "the L0 diagram shows file " + id);
    row.findElement(By.tagName("button")).click();
    wait.until(d -> d.findElement(By.id("disk-detail")).getText().contains("flush:1"));
    shot("sstables");
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  @Test
  @Order(4)
  void theLiveLogViewShowsTheFlushsLogLinesWithinTwoSeconds() throws Exception {
    open("/logs");
    wait.until(
        d -> "open".equals(d.findElement(By.id("log-status")).getDomAttribute("data-state")));
    Thread.sleep(300); // the backlog is in
    long flushLinesBefore = flushLines();
    api("PUT", "/api/kv/log:1", "{\"value\":\"x\"}");
    long start = System.nanoTime();
    api("POST", "/api/flush", null);
    waitUpTo(Duration.ofSeconds(2)).until(d -> flushLines() > flushLinesBefore);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis <= 2000, "log line after " + millis + " ms");
    // The level filter hides INFO lines when WARN and above is chosen.
    browser.findElement(By.id("log-level")).sendKeys("WARN");
    wait.until(
        d ->
            d.findElements(By.cssSelector(".log-line[data-level=INFO]")).stream()
                .noneMatch(WebElement::isDisplayed));
    browser.findElement(By.id("log-level")).sendKeys("INFO");
    shot("logs");
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  private long flushLines() {
    return browser.findElements(By.cssSelector(".log-line:not(.backlog)")).stream()
        .filter(e -> e.getText().contains("Flush"))
        .count();
  }

  @Test
  @Order(5)
  void theTraceViewShowsTheLayerThatAnswered() throws Exception {
    api("PUT", "/api/kv/trace:mem", "{\"value\":\"in memory\"}");
    open("/trace");
    trace("trace:mem");
    assertEquals("memtable", browser.findElement(By.id("answered-by")).getText());
    assertEquals("FOUND", browser.findElement(By.id("trace-outcome")).getText());
    trace("flush:1"); // flushed to L0 in the flush test
    assertEquals("L0", browser.findElement(By.id("answered-by")).getText());
    WebElement answered = browser.findElement(By.cssSelector("tr.answered"));
    assertEquals("L0", answered.getDomAttribute("data-layer"));
    assertTrue(answered.getText().contains("MAYBE"), "the filter's answer: " + answered.getText());
    shot("trace");
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  private void trace(String key) {
    WebElement input = browser.findElement(By.cssSelector("#trace-form input[name=key]"));
    input.clear();
    input.sendKeys(key);
    String before = browser.findElement(By.id("trace-result")).getText();
    browser.findElement(By.cssSelector("#trace-form button")).click();
    wait.until(
        d ->
            !d.findElement(By.id("trace-result")).getText().equals(before)
                && d.findElements(By.id("answered-by")).size() == 1);
  }

  @Test
  @Order(6)
  void theLoadGeneratorReachesHundredPercentAndTheChartsMove() throws Exception {
    open("/load");
    WebElement form = browser.findElement(By.id("load-form"));
    WebElement ops = form.findElement(By.name("operations"));
    ops.clear();
    ops.sendKeys("30000");
    WebElement seed = form.findElement(By.name("seed"));
    seed.sendKeys("7");
    browser.findElement(By.id("load-start")).click();
    wait.until(
        d ->
            "running".equals(d.findElement(By.id("load-status")).getDomAttribute("data-state"))
                || "finished"
                    .equals(d.findElement(By.id("load-status")).getDomAttribute("data-state")));
    waitUpTo(Duration.ofSeconds(90))
        .until(
            d ->
                "finished"
                    .equals(d.findElement(By.id("load-status")).getDomAttribute("data-state")));
    assertEquals("100%", browser.findElement(By.id("load-percent")).getText());
    assertEquals("1", browser.findElement(By.id("load-progress")).getDomProperty("value"));
    shot("load");
    // The overview's charts hold the run: writes/s rose above zero, and new points keep coming.
    open("/");
    WebElement chart = browser.findElement(By.id("chart-ops"));
    wait.until(d -> Integer.parseInt(chart.getDomAttribute("data-points")) >= 2);
    JsonNode max = JSON.readTree(chart.getDomAttribute("data-max"));
    assertTrue(max.get("writes_per_sec").asDouble() > 0, "writes/s during the run: " + max);
    int points = Integer.parseInt(chart.getDomAttribute("data-points"));
    wait.until(d -> Integer.parseInt(chart.getDomAttribute("data-points")) > points);
    shot("overview");
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  @Test
  @Order(7)
  void afterSigtermTheOneShotCliReadsWhatTheBrowserWrote() throws Exception {
    serve.child.terminate();
    CliRun exited = serve.child.await(60);
    assertEquals(143, exited.code(), exited::toString); // 128 + SIGTERM, after the hooks ran
    CliRun get = kiwi.run("get", "--data", data, "browser:1");
    assertEquals(0, get.code(), get::toString);
    assertEquals("written in chromium ✓\n", get.out());
    String log = Files.readString(Path.of(data, "logs", "kiwidb.log"));
    assertTrue(log.contains("Shutdown complete"), "the engine closed cleanly");
  }
}
