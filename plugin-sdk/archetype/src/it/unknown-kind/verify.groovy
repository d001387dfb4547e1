// The refusal names the kind and the kinds there are; the half-generated project is removed.
def log = new File(basedir, 'build.log').text
assert log.contains("No plugin kind 'workflow': choose -Dkind= one of validator, transformer, notifier, adapter")
assert !new File(basedir, 'no-such').exists() : 'nothing generated is left'
return true
