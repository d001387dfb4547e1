package org.carehost.operators;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What an operator may do. One role per account is usual; an account may hold several. */
public enum Role {
    /** Everything, in every tenant, including accounts. */
    ADMIN("admin"),
    /** Plugins, settings and audit of their own tenants only. */
    HOSPITAL_ADMIN("hospital-admin"),
    /** Reads the audit trail, nothing else. */
    AUDITOR("auditor"),
    /** Plugin lifecycle; no PHI. */
    OPERATOR("operator");

    private final String code;

    Role(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The role named {@code code} ({@code hospital-admin}); a clear error naming the valid ones otherwise. */
    public static Role parse(String code) {
        String wanted = code == null ? "" : code.strip().toLowerCase(Locale.ROOT);
        for (Role role : values()) {
            if (role.code.equals(wanted)) {
                return role;
            }
        }
        throw new IllegalArgumentException("Unknown role '" + code + "'; roles are "
                + Arrays.stream(values()).map(Role::code).collect(Collectors.joining(", ")));
    }

    /** Roles from a comma-separated list. */
    public static Set<Role> parseList(String codes) {
        Set<Role> roles = new LinkedHashSet<>();
        if (codes != null) {
            for (String code : codes.split(",")) {
                if (!code.isBlank()) {
                    roles.add(parse(code));
                }
            }
        }
        return roles;
    }

    public static String text(Set<Role> roles) {
        return roles.stream().sorted().map(Role::code).collect(Collectors.joining(","));
    }
}
