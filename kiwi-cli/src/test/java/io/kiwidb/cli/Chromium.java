package io.kiwidb.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium, driven through Debian's chromedriver by Selenium: no browser or driver is
 * downloaded at run time (Selenium Manager never runs, since both paths are given). Outside CI a
 * missing browser skips the calling test with a message; under {@code CI=true} it fails it.
 */
final class Chromium {
  static final Path BROWSER = Path.of(env("KIWI_CHROMIUM", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(env("KIWI_CHROMEDRIVER", "/usr/bin/chromedriver"));

  private Chromium() {}

  private static String env(String name, String def) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? def : v;
  }

  /** Skips (or, under CI, fails) unless chromium and chromedriver are installed. */
  static void assumeInstalled() {
    boolean there = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    String message =
        "browser tests need Debian's chromium and chromium-driver ("
            + BROWSER
            + ", "
            + DRIVER
            + "): apt-get install -y chromium chromium-driver";
    if (!there && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(message + " (CI=true: not skipping)");
    }
    Assumptions.assumeTrue(there, message);
  }

  /** A headless browser with a fresh profile in {@code profile}; the console log is kept. */
  static ChromeDriver start(Path profile) {
    try {
      Files.createDirectories(profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions o = new ChromeOptions();
    o.setBinary(BROWSER.toFile());
    // The flags a closed network needs, or chromium hangs trying to reach its services.
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1360,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    ChromeDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return d;
  }

  /** The console messages at SEVERE level since the last call (errors, failed loads, CSP). */
  static List<String> consoleErrors(ChromeDriver d) {
    return d.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::toString)
        .toList();
  }
}
