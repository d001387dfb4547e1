package org.carehost.wasm.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.carehost.security.Grants;
import org.carehost.security.Permission;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;

/**
 * Decides, before a module is instantiated, whether it may have everything it imports: each import is a host
 * function Carehost offers ({@link HostApi}) and the plugin holds a permission it needs. Returns one sentence per
 * refused import, naming the import and the permission, for {@code plugin:why}.
 */
final class ImportCheck {

    private ImportCheck() {
    }

    static List<String> refusals(WasmModule module, Grants grants) {
        List<String> refusals = new ArrayList<>();
        ImportSection imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import wanted = imports.getImport(i);
            String name = wanted.module() + "/" + wanted.name();
            if (wanted.importType() != ExternalType.FUNCTION) {
                refusals.add("import " + name + " (a " + wanted.importType().name().toLowerCase(java.util.Locale.ROOT)
                        + "): Carehost offers WebAssembly plugins host functions only");
                continue;
            }
            Optional<Permission[]> needs = HostApi.needs(wanted.module(), wanted.name());
            if (needs.isEmpty()) {
                refusals.add("import host function " + name + ", which Carehost does not offer (it offers "
                        + HostApi.MODULE + "/" + String.join(", " + HostApi.MODULE + "/", HostApi.FUNCTIONS.keySet())
                        + ", Extism's " + HostApi.EXTISM + " and WASI preview 1)");
                continue;
            }
            Permission[] any = needs.get();
            if (any.length > 0 && Arrays.stream(any).noneMatch(grants::holds)) {
                refusals.add("import host function " + name + " without the permission "
                        + Arrays.stream(any).map(Permission::id).collect(Collectors.joining(" or "))
                        + " (declare it in Carehost-Permissions, or for a bare .wasm in the \"permissions\" list of its"
                        + " .json beside it, and have it granted)");
            }
        }
        return refusals;
    }
}
