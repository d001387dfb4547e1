package org.carehost.console.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;

/**
 * Configuration files named for a PID of the container's, misspelt ({@code etc/org.carehost.shh.cfg}): Config Admin
 * takes any name, and nothing reads such a configuration, so the setting silently stays at its default (tryout 16
 * #12). Decided from state: the file's PID (or factory PID) is under {@value #PREFIX}, no bundle's Metatype declares it,
 * no component names it and no managed service has it, and a PID the container's Metatype declares is at most
 * {@value #MOST_EDITS} edits away (the nearest is named). A PID further from all of the container's is taken for a
 * plugin's, which may be deployed later, and is not named.
 */
final class MisspeltConfigurationFiles {

    static final String PREFIX = "org.carehost.";
    /** The most single-character edits (insert, delete, replace, swap two neighbours) a misspelling is taken to be. */
    static final int MOST_EDITS = 3;

    private final BundleContext context;
    private final MetaTypeService metatype;
    private final ServiceComponentRuntime components;
    private final ContainerBundles containerBundles;

    MisspeltConfigurationFiles(BundleContext context, MetaTypeService metatype, ServiceComponentRuntime components) {
        this.context = context;
        this.metatype = metatype;
        this.components = components;
        this.containerBundles = new ContainerBundles(context);
    }

    /** One sentence per misspelt file, as things stand. */
    List<String> all() {
        return each("(" + WatchedConfigurations.FILENAME + "=*)");
    }

    /** The sentence about the configuration {@code pid}, if it came from a misspelt file. */
    List<String> of(String pid) {
        return each("(" + org.osgi.framework.Constants.SERVICE_PID + "=" + escaped(pid) + ")");
    }

    private List<String> each(String filter) {
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin admin = reference == null ? null : context.getService(reference);
        if (admin == null) {
            return List.of();
        }
        try {
            Configuration[] found = admin.listConfigurations(filter);
            List<String> sentences = new ArrayList<>();
            for (Configuration configuration : found == null ? new Configuration[0] : found) {
                sentence(configuration).ifPresent(sentences::add);
            }
            Collections.sort(sentences);
            return sentences;
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            return List.of(); // Config Admin going away: asked again at the next look
        } finally {
            try {
                context.ungetService(reference);
            } catch (IllegalStateException stopped) {
                // this bundle is stopping
            }
        }
    }

    private Optional<String> sentence(Configuration configuration) {
        String pid = configuration.getFactoryPid() != null ? configuration.getFactoryPid() : configuration.getPid();
        Object uri = configuration.getProperties() == null ? null
                : configuration.getProperties().get(WatchedConfigurations.FILENAME);
        if (pid == null || !pid.startsWith(PREFIX) || uri == null || read(pid)) {
            return Optional.empty();
        }
        String nearest = null;
        int distance = Integer.MAX_VALUE;
        for (String known : containerPids()) {
            int edits = edits(pid, known);
            if (edits < distance) {
                nearest = known;
                distance = edits;
            }
        }
        if (nearest == null || distance > MOST_EDITS) {
            return Optional.empty();
        }
        Path file;
        try {
            file = Paths.get(URI.create(String.valueOf(uri)));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException notAFile) {
            return Optional.empty();
        }
        String name = file.getFileName().toString();
        String renamed = name.startsWith(pid) ? nearest + name.substring(pid.length()) : nearest + ".cfg";
        return Optional.of("Configuration file " + file + " is for " + pid + ", which neither the container nor any "
                + "plugin reads, so it changes nothing; did you mean " + nearest + "? Rename the file to " + renamed);
    }

    /** Whether a bundle's Metatype declares {@code pid}, a component names it, or a managed service has it. */
    private boolean read(String pid) {
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
            if (information != null && (List.of(information.getPids()).contains(pid)
                    || List.of(information.getFactoryPids()).contains(pid))) {
                return true;
            }
        }
        for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs()) {
            if (List.of(description.configurationPid).contains(pid)) {
                return true;
            }
        }
        try {
            String filter = "(" + org.osgi.framework.Constants.SERVICE_PID + "=" + escaped(pid) + ")";
            return !context.getServiceReferences(ManagedService.class, filter).isEmpty()
                    || !context.getServiceReferences(ManagedServiceFactory.class, filter).isEmpty();
        } catch (InvalidSyntaxException e) {
            return false;
        }
    }

    /** The PIDs and factory PIDs the container's bundles' Metatype declares. */
    private Set<String> containerPids() {
        Set<String> pids = new HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            if (!containerBundles.isContainer(bundle)) {
                continue;
            }
            MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
            if (information != null) {
                Collections.addAll(pids, information.getPids());
                Collections.addAll(pids, information.getFactoryPids());
            }
        }
        return pids;
    }

    /** Edits from {@code a} to {@code b}: insertions, deletions, replacements and swaps of two neighbours. */
    static int edits(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }
}
