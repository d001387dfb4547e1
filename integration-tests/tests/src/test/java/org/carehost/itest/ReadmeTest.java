package org.carehost.itest;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.Test;

/** The README says what the build makes and the repository holds (run from this module's folder, two below the root). */
public class ReadmeTest {

    private static final Path ROOT = Paths.get("../..").toAbsolutePath().normalize();

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    @Test
    public void theLayoutTableNamesEveryContainerBundle() throws IOException {
        String row = readme().lines().filter(line -> line.startsWith("| `bundles/` |")).findFirst().orElseThrow();
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(ROOT.resolve("bundles"))) {
            dirs.filter(dir -> Files.isRegularFile(dir.resolve("pom.xml")))
                    .map(dir -> dir.getFileName().toString())
                    .filter(name -> !row.contains("`" + name + "`"))
                    .forEach(missing::add);
        }
        assertTrue("README's layout table lacks bundles/" + missing, missing.isEmpty());
    }

    @Test
    public void itNamesEverySampleTheBuildDeploys() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher deployed = Pattern.compile("tofile=\"\\$\\{project.build.directory}/deploy/([^\"]+\\.jar)\"").matcher(pom);
        String readme = readme();
        List<String> missing = new ArrayList<>();
        int count = 0;
        while (deployed.find()) {
            count++;
            if (!readme.contains("`" + deployed.group(1) + "`")) {
                missing.add(deployed.group(1));
            }
        }
        assertTrue("the root pom deploys no sample?", count > 0);
        assertTrue("README does not name target/deploy/" + missing, missing.isEmpty());
        String[] numbers = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
        assertTrue("README says how many samples the build deploys (" + count + ")",
                count >= numbers.length || readme.contains(numbers[count] + " samples"));
    }

    @Test
    public void itSaysTheContainerWritesEtcSecurity() throws IOException {
        String text = readme().replaceAll("\\s+", " ");
        Matcher never = Pattern.compile("never rewrites[^.]*`etc/`[^.]*\\.").matcher(text);
        while (never.find()) {
            assertTrue("'" + never.group() + "' is untrue for etc/security/, which the container writes",
                    never.group().contains("`etc/security/`"));
        }
        assertTrue(text.contains("`etc/security/` is the exception"));
    }
}
