package org.carehost.clinical.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.carehost.clock.ContainerClock;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.Gender;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.patient.Patient;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * On a first start (no patients stored), a small synthetic data set so that the samples show something at
 * once. The people are invented: names from a fixed list of fictional ones, numbers in the 555-01xx range
 * reserved for fiction, MRNs in a {@code urn:carehost:synthetic} system.
 */
@Component(configurationPid = "org.carehost.clinical.seed", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SeedData.Config.class)
public final class SeedData {

    static final String MRN_SYSTEM = "urn:carehost:synthetic:mrn";

    @ObjectClassDefinition(id = "org.carehost.clinical.seed", name = "Carehost seed data",
            description = "Synthetic patients and appointments written on a first start")
    @interface Config {
        @AttributeDefinition(description = "Write the synthetic data set when the store has no patients")
        boolean enabled() default true;
    }

    private static final String[][] PEOPLE = {
        {"Testpatient", "Avery", "1954-03-12", "female"},
        {"Sampleton", "Jordan", "1987-11-02", "male"},
        {"Fictive", "Morgan", "2001-06-23", "other"},
        {"Placeholder", "Riley", "1969-09-30", "female"},
        {"Demoson", "Casey", "1978-01-15", "male"},
        {"Mockridge", "Quinn", "2015-04-08", "unknown"},
    };

    @Activate
    public SeedData(Config config, BundleContext context, @Reference PatientRecords patients, @Reference AppointmentRecords appointments,
            @Reference(service = LoggerFactory.class) Logger log, @Reference(target = ContainerClock.TARGET) Clock clock) {
        // The framework property carehost.seed=false turns it off too (benchmarks, tests that count patients).
        if (!config.enabled() || "false".equals(context.getProperty("carehost.seed")) || patients.count() > 0) {
            return;
        }
        Instant tomorrow = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.DAYS);
        for (int i = 0; i < PEOPLE.length; i++) {
            String[] person = PEOPLE[i];
            Patient patient = patients.create(CareContext.DEFAULT_TENANT, Patient.builder()
                    .addIdentifier(Identifier.mrn(MRN_SYSTEM, String.format("SYN-%05d", i + 1)))
                    .addName(HumanName.official(person[0], person[1]))
                    .birthDate(LocalDate.parse(person[2]))
                    .gender(Gender.ofCode(person[3]))
                    .addTelecom(new ContactPoint("phone", String.format("+1-202-555-01%02d", i + 10), "mobile"))
                    .addAddress(new Address(List.of((100 + i) + " Example Street"), "Springfield", "XX", "00000", "US"))
                    .build());
            appointments.schedule(CareContext.DEFAULT_TENANT, Appointment.builder()
                    .addParticipant(Participant.patient(patient.id()))
                    .addParticipant(new Participant("Practitioner/synthetic-1", "Dr. Example", "accepted"))
                    .start(tomorrow.plus(i, ChronoUnit.HOURS))
                    .end(tomorrow.plus(i, ChronoUnit.HOURS).plus(30, ChronoUnit.MINUTES))
                    .reason(i == 3 ? "follow-up: suspected pertussis" : "routine check-up")
                    .build());
        }
        log.info("Wrote the synthetic seed data set: {} patients with one appointment each", PEOPLE.length);
    }
}
