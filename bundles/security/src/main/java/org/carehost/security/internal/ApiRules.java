package org.carehost.security.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.carehost.security.Permission;

/**
 * The table of guarded APIs ({@code api-rules.txt}, next to this class): which JDK and OSGi members a plugin's
 * code may reach, and with which permission. Kept as data so that a reviewer reads the whole policy in one file.
 */
final class ApiRules {

    /** What a use of an API means for the plugin: allowed, needs a permission, or never allowed. */
    record Verdict(Permission permission, boolean forbidden) {
        static final Verdict ALLOWED = new Verdict(null, false);
        static final Verdict FORBIDDEN = new Verdict(null, true);

        boolean allowed() {
            return permission == null && !forbidden;
        }
    }

    private record Rule(Verdict verdict, String owner, boolean ownerPrefix, String member, boolean memberPrefix,
            String descriptorPrefix) {

        boolean matches(String useOwner, String useMember, String useDescriptor) {
            if (ownerPrefix ? !useOwner.startsWith(owner) : !useOwner.equals(owner)) {
                return false;
            }
            if (member == null) {
                return true;
            }
            if (useMember == null || (memberPrefix ? !useMember.startsWith(member) : !useMember.equals(member))) {
                return false;
            }
            return descriptorPrefix == null || (useDescriptor != null && useDescriptor.startsWith(descriptorPrefix));
        }
    }

    private final List<Rule> rules;

    private ApiRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    static ApiRules standard() {
        try (InputStream in = ApiRules.class.getResourceAsStream("api-rules.txt")) {
            if (in == null) {
                throw new IllegalStateException("api-rules.txt is missing from the security manager bundle");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ApiRules parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("api-rules.txt line " + (i + 1) + ": expected '<verdict> <api>'");
            }
            rules.add(rule(verdict(parts[0], i + 1), parts[1]));
        }
        return new ApiRules(rules);
    }

    private static Verdict verdict(String word, int line) {
        switch (word) {
            case "allowed":
                return Verdict.ALLOWED;
            case "forbidden":
                return Verdict.FORBIDDEN;
            default:
                Optional<Permission> permission = Permission.named(word);
                if (permission.isEmpty() || !permission.get().isAmbient()) {
                    throw new IllegalArgumentException("api-rules.txt line " + line + ": unknown verdict " + word);
                }
                return new Verdict(permission.get(), false);
        }
    }

    private static Rule rule(Verdict verdict, String api) {
        String owner = api;
        String member = null;
        String descriptor = null;
        int paren = api.indexOf('(');
        if (paren >= 0) {
            descriptor = api.substring(paren);
            api = api.substring(0, paren);
            owner = api;
        }
        int dot = api.lastIndexOf('.');
        if (dot >= 0) {
            owner = api.substring(0, dot);
            member = api.substring(dot + 1);
        }
        boolean ownerPrefix = owner.endsWith("*");
        boolean memberPrefix = member != null && member.endsWith("*");
        return new Rule(verdict, ownerPrefix ? owner.substring(0, owner.length() - 1) : owner, ownerPrefix,
                memberPrefix ? member.substring(0, member.length() - 1) : member, memberPrefix, descriptor);
    }

    /** The verdict on using {@code owner.member descriptor} (member null for a use of the type itself). */
    Verdict judge(String owner, String member, String descriptor) {
        for (Rule rule : rules) {
            if (rule.matches(owner, member, descriptor)) {
                return rule.verdict();
            }
        }
        return Verdict.ALLOWED;
    }
}
