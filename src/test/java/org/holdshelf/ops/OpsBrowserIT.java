package org.holdshelf.ops;

import java.io.File;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;
import org.holdshelf.events.NoticeEvent;
import org.holdshelf.events.RunEvent;
import org.holdshelf.sandbox.sierra.HoldsDataSet;
import org.holdshelf.sandbox.sierra.SierraSandboxSettings;
import org.holdshelf.testing.PipelineHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The operators' page in a real headless Chromium (Debian's chromium, driven through its
 * chromedriver by Selenium) after a sandbox run with notices: sign in with the token, see the run,
 * download a pull list and get the very bytes the pipeline wrote, and find a patron's notice by
 * their library card barcode and by their email address. Screenshots go to
 * {@code target/ops-page.png} and {@code target/ops-page-phone.png}.
 */
class OpsBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "browser-it-token-0123456789";

    @TempDir
    Path dir;
    private GreenMail smtp;
    private PipelineHarness harness;
    private WebDriver browser;
    private Path downloads;

    @BeforeEach
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("This test needs Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": install them with 'sudo apt-get install -y chromium chromium-driver' (.ci/run does)");
        }
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        harness = PipelineHarness.create("ops-browser", SierraSandboxSettings.builder().holds(3000).build(), dir.resolve("reports"))
                .withNotices(smtp.getSmtp().getPort()).set("holdshelf.ops.token", TOKEN);
        harness.start();
        downloads = Files.createDirectories(Path.of("target", "ops-browser-downloads").toAbsolutePath());
        try (Stream<Path> old = Files.list(downloads)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        browser = chromium(downloads);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (harness != null) {
            harness.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void shouldShowTheRunServeItsPullListsAndFindAPatronsNotice() throws Exception {
        RunEvent run = harness.harvest().harvestNow("test");
        assertThat(run.type()).isEqualTo(EventTypes.RUN_COMPLETED);
        assertThat(harness.holdshelf().awaitFollowUps(run, Duration.ofMinutes(2)).values()).allMatch(Optional::isPresent);
        NoticeEvent sent = harness.records("notices", EventTypes.NOTICE).stream().map(r -> Json.read(r.value(), NoticeEvent.class))
                .filter(n -> "SENT".equals(n.outcome()) && n.runId().equals(run.runId())).findFirst().orElseThrow();
        OpsCapability ops = harness.holdshelf().capability(OpsCapability.class).orElseThrow();
        ops.refreshViews();
        String base = "http://127.0.0.1:" + ops.port();

        // signing in
        browser.get(base + "/");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Holdshelf operations");
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("signin")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("runs")).isEmpty());

        // the run
        WebElement row = browser.findElement(By.cssSelector("tr.run[data-run-id='" + run.runId() + "']"));
        assertThat(row.getText()).contains("completed").contains(String.format(java.util.Locale.ROOT, "%,d", run.holdsScanned()));
        assertThat(browser.findElement(By.cssSelector("svg.chart")).findElements(By.tagName("rect"))).hasSize(1);

        // a pull list, downloaded by the browser, byte for byte the pipeline's file
        WebElement link = browser.findElements(By.cssSelector("a.file")).stream()
                .filter(a -> a.getAttribute("href").endsWith(".csv")).findFirst().orElseThrow();
        String href = link.getAttribute("href");
        String name = URLDecoder.decode(href.substring(href.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        Path written = dir.resolve("reports").resolve(harness.pullLists().service().runs().latest().orElseThrow()).resolve(name);
        link.click();
        Path downloaded = downloads.resolve(name);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(downloaded) && !Files.exists(downloads.resolve(name
                + ".crdownload")));
        assertThat(Files.readAllBytes(downloaded)).isEqualTo(Files.readAllBytes(written));

        // the notice search, by barcode and by email
        String barcode = HoldsDataSet.patronBarcode(Long.parseLong(sent.patronId()));
        search("barcode", barcode);
        assertThat(resultsFor(sent)).as("the notice to patron %s, found by barcode", sent.patronId()).isNotEmpty();
        String email = harness.data().patron(Long.parseLong(sent.patronId())).orElseThrow().emails().stream()
                .filter(e -> e.contains("@") && e.substring(e.indexOf('@')).equals(sent.destination()
                        .substring(sent.destination().indexOf('@')))).findFirst().orElseThrow();
        search("email", email.split("[,;]")[0].trim());
        assertThat(resultsFor(sent)).as("the notice found by email").isNotEmpty();
        assertThat(browser.getPageSource()).as("addresses are shown masked").doesNotContain(email.split("[,;]")[0].trim() + "<");

        Path shot = Path.of("target", "ops-page.png");
        ((ChromeDriver) browser).manage().window().setSize(new Dimension(1280, 2200));
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        ((ChromeDriver) browser).manage().window().setSize(new Dimension(390, 1800));
        browser.navigate().refresh();
        Files.write(Path.of("target", "ops-page-phone.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(shot).isNotEmptyFile();
    }

    private void search(String kind, String value) {
        new Select(browser.findElement(By.id("search-kind"))).selectByValue(kind);
        WebElement input = browser.findElement(By.id("search-value"));
        input.clear();
        input.sendKeys(value);
        browser.findElement(By.id("search")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.id("search-results")).isEmpty()
                || !browser.findElements(By.id("search-message")).isEmpty());
    }

    /** The result rows of the search that show this notice: its masked address and outcome. */
    private List<String> resultsFor(NoticeEvent notice) {
        return browser.findElements(By.cssSelector("#search-results tr.notice")).stream().map(WebElement::getText)
                .filter(t -> t.contains(notice.destination()) && t.contains("SENT") && t.contains(notice.runId())).toList();
    }

    private static WebDriver chromium(Path downloads) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory("ops-browser-profile"), "--window-size=1280,1600");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false, "download.directory_upgrade", true));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
