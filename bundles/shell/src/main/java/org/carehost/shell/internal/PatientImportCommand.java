package org.carehost.shell.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.felix.service.command.Descriptor;
import org.carehost.clinical.ImportOutcome;
import org.carehost.clinical.PatientImport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code patient:import <file|folder>}: FHIR JSON into the session's tenant, a thin command over {@link PatientImport}
 * (which transforms, matches, validates, stores and audits). A folder's {@code *.json} files (not its sub-folders)
 * are imported in name order, each on its own. The command fails (a piped script exits non-zero) when any resource
 * was not stored, and its message lists every outcome.
 */
@Component(service = PatientImportCommand.class, property = {
        "osgi.command.scope=patient",
        "osgi.command.function=import",
        "carehost.command.help=Usage: patient:import <file|folder>. Imports FHIR JSON into the session's tenant "
                + "(context:set); a folder's *.json files in name order, each on its own. Fails when any resource "
                + "was not stored, listing every outcome"
})
public final class PatientImportCommand {

    /** The largest file read; FHIR Bundles past it are split by their sender. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private final PatientImport imports;

    @Activate
    public PatientImportCommand(@Reference PatientImport imports) {
        this.imports = imports;
    }

    /** Gogo calls {@code _import} for the function {@code import}, a Java keyword. */
    @Descriptor("import patients from FHIR JSON: a Patient, or a transaction (all or nothing) or batch Bundle; a "
            + "patient whose medical record number is stored updates that patient")
    public String _import(@Descriptor("a .json file, or a folder of them") String location) {
        Path path = Paths.get(location).toAbsolutePath().normalize();
        List<Path> files = files(path, location);
        List<ImportOutcome> outcomes = new ArrayList<>();
        for (Path file : files) {
            String source = file.getFileName().toString();
            try {
                outcomes.addAll(imports.importJson(source, read(file)));
            } catch (IllegalArgumentException unreadable) {
                outcomes.add(new ImportOutcome(source, ImportOutcome.Status.FAILED, null, unreadable.getMessage()));
            }
        }
        Table table = new Table("SOURCE", "STATUS", "ID", "MESSAGE");
        int created = 0;
        int updated = 0;
        int failed = 0;
        for (ImportOutcome outcome : outcomes) {
            table.row(outcome.source(), outcome.status(), outcome.id() == null ? "-" : outcome.id(),
                    outcome.message() == null ? "" : outcome.message().replaceAll("\\s+", " "));
            switch (outcome.status()) {
                case CREATED -> created++;
                case UPDATED -> updated++;
                default -> failed++;
            }
        }
        String text = table.toString() + created + " created, " + updated + " updated, " + failed + " not stored\n";
        if (failed > 0) {
            throw new IllegalStateException("patient:import: " + failed + " of " + outcomes.size()
                    + " resources were not stored (the outcomes say why; fix them and import those files again)\n"
                    + text);
        }
        return text;
    }

    private static List<Path> files(Path path, String named) {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("patient:import: " + named + " is neither a file nor a folder (give a "
                    + ".json file or a folder of them)");
        }
        try (Stream<Path> listed = Files.list(path)) {
            List<Path> files = listed.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json"))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException("patient:import: the folder " + named + " has no .json files");
            }
            return files;
        } catch (IOException e) {
            throw new IllegalArgumentException("patient:import: cannot list " + named + ": " + e.getMessage(), e);
        }
    }

    /** The file as UTF-8 text; an unreadable, too large or non-UTF-8 file is an {@link IllegalArgumentException}. */
    private static String read(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("it has " + size + " bytes, more than the " + MAX_FILE_BYTES
                        + " one file may have: split it into several files");
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("it is not UTF-8 text: FHIR JSON is UTF-8", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("it cannot be read: " + e.getMessage(), e);
        }
    }
}
