package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;


import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The web console in a real browser (issue 19, items 6 and 8) on the real {@code carehost.jar}: Selenium drives
 * Debian's headless Chromium through Debian's chromedriver (installed by {@code .ci/browser}; their paths are given, so
 * Selenium Manager never downloads anything). A hospital-admin logs in with password and TOTP, enables a plugin for
 * their hospital, sees a setting refused by field, saves a valid one, and finds both in the hospital's audit trail;
 * a plugin whose name, description and settings hold markup shows it as text. Over the API: another hospital's admin
 * can neither read nor change this hospital on any of its endpoints. Screenshots go to {@code target/screenshots/}.
 */
public class WebConsoleIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String REMINDER = "org.carehost.sample.appointmentreminder";
    private static final String MARKUP = "org.carehost.fixture.markupnames";
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static Process process;
    private static OutputStream console;
    private static Path home;
    private static Path screenshots;
    private static int httpPort;
    private static String adminToken;
    private static String northToken;
    private static String totpSecret;
    private static String adminTotpSecret;
    private static String doomedToken;

    @BeforeClass
    public static void startTheContainer() throws Exception {
        assertTrue("No Chromium at " + CHROMIUM + " or no chromedriver at " + CHROMEDRIVER + ": run .ci/browser "
                + "(as root: apt-get install -y chromium chromium-driver)",
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER));
        screenshots = Files.createDirectories(Paths.get(System.getProperty("carehost.work")).getParent()
                .resolve("screenshots"));
        home = CarehostProcess.freshHome("console");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-sample-appointment-reminder.jar"),
                home.resolve("deploy/reminder.jar"));
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-markup-names.jar"), home.resolve("deploy/markup.jar"));
        httpPort = LoopbackPorts.free();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n"); // the browser needs no SSH
        process = CarehostProcess.startForLogins(home, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=" + httpPort);
        console = process.getOutputStream();
        type("tenant:create stmary St Mary");
        type("tenant:create north North Clinic");
        type("user:add --roles admin --password '" + PASSWORD + "' admin1");
        type("user:add --roles operator --password '" + PASSWORD + "' op1");
        type("user:add --roles hospital-admin --tenants stmary --password '" + PASSWORD + "' ha1");
        type("user:add --roles hospital-admin --tenants north --password '" + PASSWORD + "' ha2");
        type("user:totp ha1");
        type("user:totp admin1");
        type("user:add --roles auditor --password '" + PASSWORD + "' temp1");
        type("user:token --label it admin1");
        type("user:token --label it ha2");
        type("user:token --label doomed op1");
        // an emergency (break-glass) access in St Mary, for the review: a patient, then a physician's look at them
        Path patient = Files.writeString(home.resolve("patient.json"), "{\"resourceType\":\"Patient\",\"identifier\":[{"
                + "\"system\":\"urn:test:mrn\",\"value\":\"4711\"}],\"name\":[{\"family\":\"Lee\",\"given\":[\"Ima\"]}],"
                + "\"birthDate\":\"1970-01-01\"}");
        type("context:set --tenant stmary --roles physician");
        type("patient:import " + patient);
        type("context:set --tenant stmary --user dr.lee --roles physician --purpose emergency --reason 'cardiac arrest'");
        type("patient:list");
        // each user:add with a password is a PBKDF2 hash (600,000 rounds): on a loaded machine they take a while
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        List<String> tokens = List.of();
        List<String> secrets = List.of();
        while (tokens.size() < 3 || secrets.size() < 2) {
            assertTrue("the console never printed the tokens and the TOTP secret; stdout:\n" + stdout() + "\nstderr:\n"
                    + Files.readString(home.resolve("stderr.txt")), System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
            tokens = stdout().lines().filter(l -> l.startsWith("chk_")).toList();
            secrets = stdout().lines().filter(l -> l.startsWith("secret ")).map(l -> l.substring(7).strip()).toList();
        }
        String patientId = null;
        while (patientId == null) {
            assertTrue("the patient was never listed; stdout:\n" + stdout(), System.nanoTime() < deadline
                    && process.isAlive());
            List<String> lines = stdout().lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).matches("ID\\s+NAME\\s.*") && !lines.get(i + 1).startsWith("No results")) {
                    patientId = lines.get(i + 1).split("\\s+")[0];
                }
            }
            Thread.sleep(100);
        }
        type("patient:show " + patientId); // the break-glass access: opened by this look at the patient
        adminToken = tokens.get(0);
        northToken = tokens.get(1);
        doomedToken = tokens.get(2);
        totpSecret = secrets.get(0);
        adminTotpSecret = secrets.get(1);
        while (true) {
            try {
                if (get("/api/v1/tenants/stmary/plugins", adminToken).body().contains(MARKUP)) {
                    break; // the API answers and the deploy folder's plugins are installed
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue("the API never listed the deployed plugins on " + httpPort,
                    System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
        }
    }

    @AfterClass
    public static void stop() throws Exception {
        if (process != null) {
            console.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Proves item 6: log in, enable a plugin, a setting refused by field then saved, both in the hospital's trail. */
    @Test
    public void aHospitalAdminEnablesConfiguresAndReadsTheAuditTrailInABrowser() throws Exception {
        WebDriver browser = browser();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://127.0.0.1:" + httpPort + "/console/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user")));
            screenshot(browser, "1-login");
            browser.findElement(By.id("user")).sendKeys("ha1");
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.id("otp")).sendKeys(TotpCodes.now(totpSecret), Keys.ENTER); // the keyboard submits

            // Apps: the hospital's plugins, the reminder not enabled yet; the switch enables it.
            By reminderSwitch = By.cssSelector("input[role=switch][data-plugin='" + REMINDER + "']");
            wait.until(ExpectedConditions.visibilityOfElementLocated(reminderSwitch));
            assertEquals("ha1 (hospital-admin)", browser.findElement(By.id("who")).getText());
            assertEquals("stmary", new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("tenant")))
                    .getFirstSelectedOption().getAttribute("value"));
            assertFalse(browser.findElement(reminderSwitch).isSelected());
            assertFalse(enabled("stmary", REMINDER));
            assertEveryControlIsLabelled(browser);
            browser.findElement(reminderSwitch).sendKeys(Keys.SPACE); // the keyboard switches it
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"),
                    "Enabled " + REMINDER + " for stmary."));
            assertTrue(enabled("stmary", REMINDER));
            assertFalse("the other hospital is untouched", enabled("north", REMINDER));
            screenshot(browser, "2-apps");

            // A plugin's markup is shown as text: nothing of it became an element, nothing of it ran.
            WebElement markupRow = browser.findElement(By.cssSelector("tr[data-plugin='" + MARKUP + "']"));
            assertTrue(markupRow.getText(), markupRow.getText().contains("<script>window.carehostPwned=1</script>Markup app"));
            assertTrue(markupRow.getText(), markupRow.getText().contains("<img src=x onerror=window.carehostPwned=2>"));
            assertNoMarkupRan(browser);

            // Plugin detail and settings: a value out of range is refused by field and nothing is stored.
            browser.findElement(By.cssSelector("tr[data-plugin='" + REMINDER + "'] td a")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("setting-leadTimeMinutes")));
            assertFalse(browser.findElement(By.id("plugin-state")).getText().isBlank());
            assertEquals("yes", browser.findElement(By.id("plugin-enabled")).getText());
            assertFalse(browser.findElement(By.id("plugin-signer")).getText().isBlank());
            assertEveryControlIsLabelled(browser);
            WebElement lead = browser.findElement(By.id("setting-leadTimeMinutes"));
            lead.clear();
            lead.sendKeys("0");
            browser.findElement(By.id("save-settings")).click();
            By leadError = By.id("setting-leadTimeMinutes-error");
            wait.until(driver -> !driver.findElement(leadError).getText().isBlank());
            assertEquals("true", lead.getAttribute("aria-invalid"));
            assertTrue(browser.findElement(By.id("settings-error")).getText(),
                    browser.findElement(By.id("settings-error")).getText().contains("the settings in force stay"));
            assertTrue("an empty error field stays empty", browser.findElement(By.id("setting-channel-error")).getText().isEmpty());
            screenshot(browser, "3-settings-refused");
            assertFalse("nothing stored", settings("stmary", REMINDER).has("leadTimeMinutes"));

            lead.clear();
            lead.sendKeys("60");
            browser.findElement(By.id("save-settings")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Settings saved for stmary."));
            assertEquals(60, settings("stmary", REMINDER).get("leadTimeMinutes").asInt());
            assertTrue(browser.findElement(leadError).getText().isEmpty());

            // Audit: the hospital's trail names ha1 for both changes; verifying the whole (every tenant's) chain is
            // for auditors and admins, so a hospital admin has no button for it.
            browser.findElement(By.id("nav-audit")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audit")));
            String trail = browser.findElement(By.id("audit")).getText();
            assertTrue(trail, trail.lines().anyMatch(l -> l.contains("ha1") && l.contains("plugin.enable") && l.contains(REMINDER)));
            assertTrue(trail, trail.lines().anyMatch(l -> l.contains("ha1") && l.contains("plugin.config")
                    && l.contains("leadTimeMinutes")));
            assertEveryControlIsLabelled(browser);
            assertTrue(browser.findElements(By.id("verify")).isEmpty());
            screenshot(browser, "4-audit");
            // A filter: only ha1's records remain (the container's own plugin records are gone).
            browser.findElement(By.id("filter-user")).sendKeys("ha1", Keys.ENTER);
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(driver ->
                    driver.getCurrentUrl().contains("user=ha1") && ((Boolean) ((JavascriptExecutor) driver).executeScript(
                            "const rows = [...document.querySelectorAll('#audit tbody tr')];"
                            + "return rows.length >= 2 && rows.every(r => r.cells[2].textContent === 'ha1');")));

            // A new tab of the same session (no CSRF token in its storage) reads the session's token again.
            JavascriptExecutor js = (JavascriptExecutor) browser;
            Object csrf = js.executeScript("const t = sessionStorage.getItem('carehost.csrf'); sessionStorage.clear(); return t;");
            assertNotNull(csrf);
            browser.navigate().refresh();
            wait.until(driver -> csrf.equals(js.executeScript("return sessionStorage.getItem('carehost.csrf')")));

            // The markup plugin's own page and settings form: labels, hints and values all text.
            browser.get("http://127.0.0.1:" + httpPort + "/console/#plugin?tenant=stmary&plugin=" + MARKUP);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("setting-greeting")));
            assertEquals("<script>window.carehostPwned=1</script>Markup app", browser.findElement(By.id("plugin-name")).getText());
            assertTrue(browser.findElement(By.cssSelector("label[for=setting-greeting]")).getText().contains("<i>Greeting</i>"));
            assertEquals("<script>window.carehostPwned=5</script>",
                    browser.findElement(By.id("setting-greeting")).getAttribute("value"));
            assertTrue(browser.findElement(By.id("main")).getText().contains("<img src=y onerror=window.carehostPwned=4>"));
            assertNoMarkupRan(browser);
            screenshot(browser, "5-plugin-with-markup");

            // Audit paging and the break-glass review: a page from the second record on links back to the newer ones.
            browser.get("http://127.0.0.1:" + httpPort + "/console/#audit?tenant=stmary&offset=1");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audit-newer")));
            assertTrue(browser.findElement(By.id("audit-range")).getText(),
                    browser.findElement(By.id("audit-range")).getText().startsWith("Records 2 to "));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("breakglass")));
            assertTrue(browser.findElement(By.id("breakglass")).getText(),
                    browser.findElement(By.id("breakglass")).getText().contains("Break-glass accesses, last 24 hours"));
            // the emergency access is shown with its own records inline: dr.lee's, in St Mary, while it was open
            String grantRecords = browser.findElement(By.id("breakglass-records-0")).getText();
            assertTrue(grantRecords, grantRecords.startsWith("Its records: ") && grantRecords.contains("PatientService"));
            assertTrue(browser.findElement(By.id("breakglass-table")).getText(), browser.findElement(
                    By.id("breakglass-table")).getText().contains("cardiac arrest"));
            assertEveryControlIsLabelled(browser);
            screenshot(browser, "6-audit-paging-and-break-glass");
            // the review is paged over the accesses (each shown costs one audit query): a page of one, the count in a
            // header, past the end nothing, and a limit out of bounds refused
            HttpResponse<String> first = get("/api/v1/audit/breakglass?limit=1", adminToken);
            assertEquals(first.body(), 200, first.statusCode());
            assertEquals(1, JSON.readTree(first.body()).size());
            int accesses = Integer.parseInt(first.headers().firstValue("X-Total-Count").orElseThrow());
            assertTrue("accesses: " + accesses, accesses >= 1);
            assertEquals(0, JSON.readTree(get("/api/v1/audit/breakglass?offset=" + accesses, adminToken).body())
                    .size());
            assertEquals(400, get("/api/v1/audit/breakglass?limit=201", adminToken).statusCode());
            assertEquals(400, get("/api/v1/audit/breakglass?limit=0", adminToken).statusCode());

            // The upload page, for an operator: a plugin jar uploaded and installed; a file that is not one refused.
            browser.findElement(By.id("logout")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user")));
            browser.findElement(By.id("user")).sendKeys("op1");
            browser.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-file")));
            assertEveryControlIsLabelled(browser);
            Path notAPlugin = Files.writeString(home.resolve("not-a-plugin.jar"), "just text");
            browser.findElement(By.id("upload-file")).sendKeys(notAPlugin.toString());
            browser.findElement(By.id("upload-button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-error")));
            browser.findElement(By.id("upload-file")).sendKeys(CarehostProcess.BUNDLES
                    .resolve("carehost-fixture-greeter-v1.jar").toString());
            browser.findElement(By.id("upload-button")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-done"), "Installed "));
            assertTrue(browser.findElement(By.id("upload-done")).getText(),
                    browser.findElement(By.id("upload-done")).getText().contains("ACTIVE"));
            screenshot(browser, "7-upload");

            // Accounts, for an admin: disable an account, and revoke a token (the API refuses it from then on).
            browser.findElement(By.id("logout")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user")));
            browser.findElement(By.id("user")).sendKeys("admin1");
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.id("otp")).sendKeys(TotpCodes.now(adminTotpSecret), Keys.ENTER);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-accounts"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("account-toggle-temp1")));
            assertEquals("enabled", browser.findElement(By.id("account-state-temp1")).getText());
            browser.findElement(By.id("account-toggle-temp1")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("account-state-temp1"), "disabled"));
            assertTrue(account("temp1").get("disabled").asBoolean());
            assertEquals(200, get("/api/v1/plugins", doomedToken).statusCode());
            browser.findElement(By.linkText("Tokens of op1")).click();
            By revoke = By.xpath("//table[@id='tokens-table']//button[text()='Revoke doomed']");
            wait.until(ExpectedConditions.elementToBeClickable(revoke));
            assertFalse("no secret is shown", browser.findElement(By.id("main")).getText().contains("chk_"));
            screenshot(browser, "8-accounts");
            browser.findElement(revoke).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Revoked token doomed of op1."));
            assertEquals("the revoked token is refused", 401, get("/api/v1/plugins", doomedToken).statusCode());

            // Uninstall, for an admin (tryout 16, item 19): the plugin op1 uploaded, from its page, after a confirmation.
            String greeter = "org.carehost.fixture.greeter";
            browser.get("http://127.0.0.1:" + httpPort + "/console/#plugin?tenant=stmary&plugin=" + greeter);
            wait.until(ExpectedConditions.elementToBeClickable(By.id("uninstall-plugin"))).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"),
                    "uninstalled; state UNINSTALLED."));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[role=switch][data-plugin='"
                    + REMINDER + "']"))); // back on Apps
            assertTrue(browser.findElements(By.cssSelector("tr[data-plugin='" + greeter + "']")).isEmpty());
            assertEquals(404, get("/api/v1/plugins/" + greeter, adminToken).statusCode());
            screenshot(browser, "9-uninstalled");
        } finally {
            browser.quit();
        }
    }

    /** Proves item 8 for the hospital's endpoints: another hospital's admin can neither read nor change this one. */
    @Test
    public void anotherHospitalsAdminCanNeitherReadNorChangeThisOne() throws Exception {
        String base = "/api/v1/tenants/stmary/plugins";
        String plugin = base + "/" + REMINDER;
        Map<String, String> calls = new java.util.LinkedHashMap<>();
        calls.put("GET " + base, null);
        calls.put("GET " + plugin, null);
        calls.put("POST " + plugin + "/enable", "");
        calls.put("POST " + plugin + "/disable", "");
        calls.put("GET " + plugin + "/settings", null);
        calls.put("GET " + plugin + "/settings/schema", null);
        calls.put("PUT " + plugin + "/settings", "{\"channel\":\"sms\"}");
        calls.put("GET /api/v1/audit?tenant=stmary", null);
        calls.put("GET /api/v1/audit/export?tenant=stmary", null);
        boolean enabledBefore = enabled("stmary", REMINDER);
        JsonNode settingsBefore = enabledBefore ? settings("stmary", REMINDER) : null;
        for (Map.Entry<String, String> call : calls.entrySet()) {
            String[] parts = call.getKey().split(" ", 2);
            HttpResponse<String> response = send(parts[0], parts[1], call.getValue(), Map.of("Authorization", "Bearer " + northToken));
            assertEquals(call.getKey() + ": " + response.body(), 404, response.statusCode());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        }
        assertEquals("a hospital-admin names their tenant", 400, get("/api/v1/audit", northToken).statusCode());
        assertEquals(403, send("POST", "/api/v1/tenants", "{\"id\":\"x\",\"name\":\"X\"}",
                Map.of("Authorization", "Bearer " + northToken)).statusCode());
        assertEquals(403, send("POST", "/api/v1/users/ha1/disable", "", Map.of("Authorization", "Bearer " + northToken))
                .statusCode());
        assertEquals(403, send("POST", "/api/v1/plugins/" + REMINDER + "/stop", "", Map.of("Authorization", "Bearer "
                + northToken)).statusCode());
        assertEquals(403, get("/api/v1/users", northToken).statusCode());
        List<String> listed = new java.util.ArrayList<>();
        JSON.readTree(get("/api/v1/tenants", northToken).body()).forEach(t -> listed.add(t.get("id").asText()));
        assertEquals("a hospital-admin's tenant list is theirs alone", List.of("north"), listed);
        assertEquals("nothing changed", enabledBefore, enabled("stmary", REMINDER));
        if (settingsBefore != null) {
            assertEquals(settingsBefore, settings("stmary", REMINDER));
        }
        // The same calls on their own hospital answer (the refusals above are about the tenant, not the route).
        HttpResponse<String> own = get("/api/v1/tenants/north/plugins", northToken);
        assertEquals(own.body(), 200, own.statusCode());
        assertEquals(200, send("POST", "/api/v1/tenants/north/plugins/org.carehost.sample.hello/enable", "",
                Map.of("Authorization", "Bearer " + northToken)).statusCode());
        // Their trail holds their hospital's records only: not the container's, nor other operators' logins.
        JsonNode trail = JSON.readTree(get("/api/v1/audit?tenant=north&limit=1000", northToken).body()).get("items");
        assertTrue(trail.toString(), trail.size() >= 1);
        for (JsonNode record : trail) {
            assertEquals(record.toString(), "north", record.get("tenant").asText());
        }
        JsonNode all = JSON.readTree(get("/api/v1/audit?tenant=north&limit=1000", adminToken).body()).get("items");
        assertTrue("an admin also sees the records made outside any tenant", all.size() > trail.size());
    }

    /** Proves the settings API: JSON Schema from the Metatype, every invalid field listed, nothing stored on refusal. */
    @Test
    public void settingsAreCheckedFieldByFieldAgainstTheSchema() throws Exception {
        Map<String, String> admin = Map.of("Authorization", "Bearer " + adminToken);
        HttpResponse<String> created = send("POST", "/api/v1/tenants", "{\"id\":\"east\",\"name\":\"East <General>\"}", admin);
        assertEquals(created.body(), 200, created.statusCode());
        assertEquals("a taken id", 400, send("POST", "/api/v1/tenants", "{\"id\":\"east\",\"name\":\"Again\"}", admin)
                .statusCode());
        String settings = "/api/v1/tenants/east/plugins/" + REMINDER + "/settings";
        assertEquals("not enabled yet", 409, send("PUT", settings, "{\"channel\":\"sms\"}", admin).statusCode());
        assertEquals(200, send("POST", "/api/v1/tenants/east/plugins/" + REMINDER + "/enable", "", admin).statusCode());
        JsonNode schema = JSON.readTree(get(settings + "/schema", adminToken).body());
        assertEquals("integer", schema.at("/properties/leadTimeMinutes/type").asText());
        assertEquals(1440, schema.at("/properties/leadTimeMinutes/default").asInt());
        // the Metatype's min and max (1 minute to 14 days) as JSON Schema bounds, numbers
        assertTrue(schema.toString(), schema.at("/properties/leadTimeMinutes/minimum").isIntegralNumber());
        assertEquals(1, schema.at("/properties/leadTimeMinutes/minimum").asInt());
        assertEquals(20160, schema.at("/properties/leadTimeMinutes/maximum").asInt());
        assertEquals("string", schema.at("/properties/channel/type").asText());
        HttpResponse<String> refused = send("PUT", settings, "{\"leadTimeMinutes\":\"soon\",\"channel\":\"sms\",\"colour\":1}",
                admin);
        assertEquals(refused.body(), 422, refused.statusCode());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonNode problem = JSON.readTree(refused.body());
        assertEquals("https://carehost.org/problems/invalid-settings", problem.get("type").asText());
        assertEquals(refused.body(), 2, problem.get("errors").size());
        assertEquals("leadTimeMinutes", problem.get("errors").get(0).get("field").asText());
        assertEquals("colour", problem.get("errors").get(1).get("field").asText());
        assertFalse("a valid value beside invalid ones is not stored either", settings("east", REMINDER).has("channel"));
        HttpResponse<String> outOfRange = send("PUT", settings, "{\"leadTimeMinutes\":0}", admin);
        assertEquals(outOfRange.body(), 422, outOfRange.statusCode());
        assertEquals(outOfRange.body(), "0 is less than the minimum, 1 (allowed: 1 to 20160)",
                JSON.readTree(outOfRange.body()).at("/errors/0/detail").asText());
        HttpResponse<String> tooLong = send("PUT", settings, "{\"leadTimeMinutes\":20161}", admin);
        assertEquals(tooLong.body(), "20161 is more than the maximum, 20160 (allowed: 1 to 20160)",
                JSON.readTree(tooLong.body()).at("/errors/0/detail").asText());
        assertFalse("nothing stored", settings("east", REMINDER).has("leadTimeMinutes"));
        HttpResponse<String> saved = send("PUT", settings, "{\"leadTimeMinutes\":30,\"channel\":\"sms\"}", admin);
        assertEquals(saved.body(), 200, saved.statusCode());
        assertEquals("sms", settings("east", REMINDER).get("channel").asText());
        assertEquals(30, settings("east", REMINDER).get("leadTimeMinutes").asInt());
        JsonNode export = JSON.readTree(get("/api/v1/audit/export?tenant=east&user=admin1", adminToken).body());
        assertEquals("Bundle", export.get("resourceType").asText());
        assertTrue(export.toString(), export.get("entry").size() >= 3);
        JsonNode page = JSON.readTree(get("/api/v1/audit?tenant=east&user=admin1&outcome=success", adminToken).body());
        assertTrue(page.toString(), page.get("items").size() >= 3);
        for (JsonNode record : page.get("items")) {
            assertEquals("admin1", record.get("user").asText());
        }
        assertEquals(400, get("/api/v1/audit?from=yesterday", adminToken).statusCode());
        assertTrue(get("/api/v1/audit/verify", adminToken).body().contains("\"intact\":true"));
        // Reading the trail is in the trail: the export and the query above, by whom, in which tenant, with what.
        JsonNode reads = JSON.readTree(get("/api/v1/audit?tenant=east&user=admin1&limit=1000", adminToken).body())
                .get("items");
        java.util.Set<String> operations = new java.util.HashSet<>();
        for (JsonNode record : reads) {
            operations.add(record.path("operation").asText());
            if (record.path("operation").asText().equals("audit.export")) {
                assertEquals(record.toString(), "east", record.get("tenant").asText());
                assertTrue(record.toString(), record.toString().contains("user=admin1"));
            }
        }
        assertTrue(operations.toString(), operations.contains("audit.export") && operations.contains("audit.query"));
    }

    /** Proves the console's files come with a policy that runs only its own scripts, and nothing else is served. */
    @Test
    public void theConsoleServesOnlyItsOwnFilesUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = send("GET", "/console/", null, Map.of());
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy, policy.contains("default-src 'none'") && policy.contains("script-src 'self'"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertTrue(page.body(), page.body().contains("<script src=\"console.js\" defer></script>"));
        assertEquals(200, send("GET", "/console/console.js", null, Map.of()).statusCode());
        assertEquals(200, send("GET", "/console/pages.js", null, Map.of()).statusCode());
        for (String path : List.of("/console/META-INF/MANIFEST.MF", "/console/..%2fMETA-INF/MANIFEST.MF",
                "/console/OSGI-INF/org.carehost.http.internal.ApiServlet.xml", "/console/console.js/")) {
            HttpResponse<String> refused = send("GET", path, null, Map.of());
            assertTrue(path + " answered " + refused.statusCode(), refused.statusCode() == 404 || refused.statusCode() == 400);
            assertFalse(refused.body(), refused.body().contains("Bundle-") || refused.body().contains("<scr:component"));
        }
    }

    /** Every input and select on the page has a label a screen reader announces. */
    private static void assertEveryControlIsLabelled(WebDriver browser) {
        Object unlabelled = ((JavascriptExecutor) browser).executeScript("return [...document.querySelectorAll("
                + "'main input, main select')].filter(e => !e.labels || e.labels.length === 0).map(e => e.id).join(' ')");
        assertEquals("controls without a label", "", unlabelled);
        Number controls = (Number) ((JavascriptExecutor) browser).executeScript(
                "return document.querySelectorAll('main input, main select').length");
        assertTrue("the page has controls", controls.intValue() > 0);
    }

    private static void assertNoMarkupRan(WebDriver browser) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertEquals("no plugin-provided markup ran", Boolean.TRUE, js.executeScript("return window.carehostPwned === undefined"));
        assertEquals(0L, js.executeScript("return document.querySelectorAll('main script, main img, main b, main i').length"));
    }

    private static WebDriver browser() {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,900", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static boolean enabled(String tenant, String plugin) throws Exception {
        HttpResponse<String> response = get("/api/v1/tenants/" + tenant + "/plugins/" + plugin, adminToken);
        assertEquals(response.body(), 200, response.statusCode());
        return JSON.readTree(response.body()).get("enabled").asBoolean();
    }

    private static JsonNode account(String name) throws Exception {
        for (JsonNode account : JSON.readTree(get("/api/v1/users", adminToken).body())) {
            if (name.equals(account.get("name").asText())) {
                return account;
            }
        }
        throw new AssertionError("no account " + name);
    }

    private static JsonNode settings(String tenant, String plugin) throws Exception {
        HttpResponse<String> response = get("/api/v1/tenants/" + tenant + "/plugins/" + plugin + "/settings", adminToken);
        assertEquals(response.body(), 200, response.statusCode());
        JsonNode values = JSON.readTree(response.body()).get("values");
        assertNotNull(response.body(), values);
        return values;
    }

    private static String stdout() throws IOException {
        return Files.readString(home.resolve("stdout.txt"));
    }

    private static void type(String line) throws IOException {
        console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, null, Map.of("Authorization", "Bearer " + token));
    }

    private static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
