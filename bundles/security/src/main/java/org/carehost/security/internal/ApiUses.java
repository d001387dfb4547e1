package org.carehost.security.internal;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.carehost.security.Permission;
import org.carehost.security.internal.ApiRules.Verdict;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.signature.SignatureReader;
import org.objectweb.asm.signature.SignatureVisitor;

/**
 * What {@link ApiScanner} has found so far in one plugin: the guarded APIs its classes call or name, judged by the
 * {@link ApiRules}, with up to {@link ApiScanner#MAX_EVIDENCE} places each (calls preferred over mere mentions of a
 * type), the bytes read, and the class being read (for the evidence).
 */
final class ApiUses {

    /** The key of forbidden uses among the permissions in the findings being collected. */
    private static final Object FORBIDDEN = "forbidden";

    private final ApiRules rules;
    private final Map<Object, Set<String>> calls = new HashMap<>();
    private final Map<Object, Set<String>> mentions = new HashMap<>();
    String problem;
    long bytes;
    String className = "?";

    ApiUses(ApiRules rules) {
        this.rules = rules;
    }

    void use(String owner, String member, String descriptor, String where) {
        if (owner == null) {
            return;
        }
        if (owner.startsWith("[")) {
            return;
        }
        Verdict verdict = rules.judge(owner, member, descriptor);
        if (verdict.allowed()) {
            return;
        }
        String api = owner.replace('/', '.') + (member == null ? "" : "." + member);
        String evidence = api + " (in " + className.replace('/', '.') + where + ")";
        // Calls make the best evidence; mere mentions of a type are kept apart and shown only without calls.
        Map<Object, Set<String>> kind = member == null ? mentions : calls;
        Set<String> places = kind.computeIfAbsent(verdict.forbidden() ? FORBIDDEN : verdict.permission(),
                k -> new LinkedHashSet<>());
        if (places.size() < ApiScanner.MAX_EVIDENCE) {
            places.add(evidence);
        }
    }

    /**
     * A type named in a descriptor, signature, cast or class literal. Reflection verdicts do not apply to mere
     * mentions; files, network, processes, native and forbidden ones do (a File field a library fills).
     */
    void mention(String owner, String where) {
        if (owner == null || owner.startsWith("[")) {
            return;
        }
        Verdict verdict = rules.judge(owner, null, null);
        if (verdict.allowed() || verdict.permission() == Permission.USE_REFLECTION) {
            return;
        }
        use(owner, null, null, where);
    }

    void mentionTypes(String descriptor, String where) {
        if (descriptor == null) {
            return;
        }
        Type type = Type.getType(descriptor);
        if (type.getSort() == Type.METHOD) {
            for (Type argument : type.getArgumentTypes()) {
                mentionType(argument, where);
            }
            mentionType(type.getReturnType(), where);
        } else {
            mentionType(type, where);
        }
    }

    private void mentionType(Type type, String where) {
        Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
        if (element.getSort() == Type.OBJECT) {
            mention(element.getInternalName(), where);
        }
    }

    void mentionSignature(String signature, String where) {
        if (signature == null) {
            return;
        }
        new SignatureReader(signature).accept(new SignatureVisitor(Opcodes.ASM9) {
            @Override
            public void visitClassType(String name) {
                mention(name, where);
            }
        });
    }

    /** A use no grant allows, found by what the class declares rather than calls ({@code evidence} says what). */
    void forbid(String evidence) {
        add(FORBIDDEN, evidence + " (in " + className.replace('/', '.') + ")");
    }

    void nativeMethod(String method) {
        need(Permission.USE_NATIVE, "native method " + className.replace('/', '.') + "." + method);
    }

    void need(Permission permission, String evidence) {
        add(permission, evidence);
    }

    /** Evidence of a call (or a declaration) needing {@code key}: a permission, or {@link #FORBIDDEN}. */
    private void add(Object key, String evidence) {
        Set<String> places = calls.computeIfAbsent(key, k -> new LinkedHashSet<>());
        if (places.size() < ApiScanner.MAX_EVIDENCE) {
            places.add(evidence);
        }
    }

    ApiScanner.Findings findings() {
        Map<Permission, List<String>> needs = new EnumMap<>(Permission.class);
        for (Permission permission : Permission.values()) {
            List<String> places = evidence(permission);
            if (!places.isEmpty()) {
                needs.put(permission, places);
            }
        }
        return new ApiScanner.Findings(needs, evidence(FORBIDDEN), problem);
    }

    private List<String> evidence(Object key) {
        Set<String> places = calls.containsKey(key) ? calls.get(key) : mentions.get(key);
        return places == null ? List.of() : List.copyOf(places);
    }
}
