package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

import javax.inject.Inject;

import org.carehost.audit.AuditLog;
import org.carehost.catalog.CatalogException;
import org.carehost.catalog.CatalogService;
import org.carehost.catalog.Offer;
import org.carehost.catalog.PluginDetails;
import org.carehost.catalog.Review;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.context.Purpose;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Reviews and ratings of catalog plugins in the store's {@code catalog_review} table (migration V9), per hospital:
 * stored and audited, one per author and version (a second replaces the first), averaged per version in search and
 * info, kept apart between tenants, and bad input refused with nothing stored. {@link CatalogReviewsPostgresIT} runs
 * the same on PostgreSQL.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CatalogReviewsIT {

    @Inject
    CatalogService catalog;

    @Inject
    ContextBinder binder;

    @Inject
    Tenants tenants;

    @Inject
    AuditLog audit;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServices(Fixtures.workFolder("carehost-itest-deploy").toFile(), jdbcUrl()),
                CatalogIT.catalogBundles(),
                frameworkProperty("carehost.catalog.artifacts").value(Fixtures.workFolder("catalog-artifacts").toString())};
    }

    /** The database under test; subclasses pick another. */
    protected String jdbcUrl() {
        return "jdbc:h2:mem:catalog-reviews-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    private <T> T in(String tenant, String user, Callable<T> work) throws Exception {
        try (ContextBinder.Binding bound = binder.bind(binder.declare(tenant, user, Set.of("hospital-admin"),
                Purpose.OPERATIONS, null))) {
            return work.call();
        }
    }

    @Test
    public void reviewsPerTenantAndVersion() throws Exception {
        Path folder = Fixtures.workFolder("catalog-reviews");
        for (String jar : List.of("carehost-fixture-greeter-v1", "carehost-fixture-greeter-v2")) {
            Files.copy(ContainerOptions.bundleFile(jar).toPath(), folder.resolve(jar + ".jar"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        catalog.index(folder, folder.resolve("index.xml"));
        String name = "reviews-" + UUID.randomUUID().toString().substring(0, 8);
        catalog.add(name, folder.resolve("index.xml").toUri().toString(), List.of("*"));
        String greeter = "org.carehost.fixture.greeter";
        String a = tenants.create("ra-" + UUID.randomUUID().toString().substring(0, 8), "Hospital A", "test").id();
        String b = tenants.create("rb-" + UUID.randomUUID().toString().substring(0, 8), "Hospital B", "test").id();
        try {
            Review first = in(a, "admin.one", () -> catalog.review(greeter + "@1.0.0", 2, "slow at first"));
            assertEquals(a, first.tenant());
            in(a, "admin.one", () -> catalog.review(greeter + "@1.0.0", 4, "fine after all\nsecond line"));
            in(a, "admin.two", () -> catalog.review(greeter + "@1.0.0", 5, "greets reliably"));
            in(a, "admin.two", () -> catalog.review(greeter + "@2.0.0", 1, "broke our ward"));
            in(b, "admin.three", () -> catalog.review(greeter + "@1.0.0", 1, "not for us"));

            // A: one review per author and version, the second replacing the first; averages per version.
            PluginDetails inA = in(a, "admin.one", () -> catalog.info(greeter));
            assertEquals(3, inA.reviews().size());
            Review replaced = inA.reviews().stream().filter(r -> r.author().equals("admin.one")).findFirst().orElseThrow();
            assertEquals(4, replaced.rating());
            assertEquals("fine after all\nsecond line", replaced.text());
            Offer v1 = inA.versions().stream().filter(v -> v.version().equals("1.0.0")).findFirst().orElseThrow();
            assertEquals(4.5, v1.rating(), 0.001);
            assertEquals(2, v1.reviews());
            Offer newest = in(a, "admin.one", () -> catalog.search(greeter, null, null)).get(0);
            assertEquals("2.0.0", newest.version());
            assertEquals(1.0, newest.rating(), 0.001);
            assertEquals(1, newest.reviews());

            // B sees only its own.
            PluginDetails inB = in(b, "admin.three", () -> catalog.info(greeter));
            assertEquals(1, inB.reviews().size());
            assertEquals(b, inB.reviews().get(0).tenant());
            assertEquals(0, in(b, "admin.three", () -> catalog.search(greeter, null, null)).get(0).reviews());

            assertTrue("each review is audited in its tenant", audit.query(AuditQuery.latest(100)).items().stream()
                    .filter(r -> "catalog.review".equals(r.operation()) && (greeter + "@1.0.0").equals(r.resourceId()))
                    .map(r -> r.tenant()).toList().containsAll(List.of(a, b)));

            // Bad input: refused, saying why, and nothing stored.
            for (Callable<Review> bad : List.<Callable<Review>>of(
                    () -> catalog.review(greeter + "@1.0.0", 0, "zero"),
                    () -> catalog.review(greeter + "@1.0.0", 3, "x".repeat(2001)),
                    () -> catalog.review(greeter + "@1.0.0", 3, "a\u0000b"),
                    () -> catalog.review(greeter + "@9.9.9", 3, "no such version"))) {
                try {
                    in(b, "admin.four", bad);
                    fail("bad review input must be refused");
                } catch (CatalogException expected) {
                    assertTrue(expected.getMessage(), expected.getMessage().matches(
                            "(?s).*(1 to 5|at most 2000|control character U\\+0000|No catalog offers).*"));
                }
            }
            assertEquals(1, in(b, "admin.three", () -> catalog.info(greeter)).reviews().size());
        } finally {
            catalog.remove(name);
        }
    }
}
