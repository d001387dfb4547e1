// Keeps the classes of the chosen kind (-Dkind=...), removes the other kinds' examples.
// A kind that is not one of these is refused, and nothing generated is left behind.
def kinds = [
    'validator'     : 'ExampleValidator',
    'transformer'   : 'ExampleTransformer',
    'notifier'      : 'ExampleNotifier',
    'adapter'       : 'ExampleAdapter',
]
def kind = request.properties.get('kind')
def project = new File(request.outputDirectory, request.artifactId)
if (!kinds.containsKey(kind)) {
    project.deleteDir()
    throw new IllegalArgumentException("No plugin kind '" + kind + "': choose -Dkind= one of " + kinds.keySet().join(', '))
}
def keep = kinds[kind]
def packagePath = request.properties.get('package').replace('.', '/')
['src/main/java', 'src/test/java'].each { root ->
    def folder = new File(project, root + '/' + packagePath)
    folder.eachFile { file ->
        def name = file.name.replaceFirst(/(Test|IT)?\.java$/, '')
        if (kinds.containsValue(name) && name != keep) {
            file.delete()
        }
    }
}
// The host permissions the kind's example needs: a validator is given every patient written, a transformer every
// patient imported (and what it returns is stored); without them the host does not call it.
def permissions = [
    'validator'     : 'read:patients',
    'transformer'   : 'read:patients,write:patients',
]
if (permissions.containsKey(kind)) {
    def bnd = new File(project, 'bnd.bnd')
    bnd.text = bnd.text.replace('# Carehost-Permissions: read:patients',
            '# (a ' + kind + ' is given every patient it sees only with these)\nCarehost-Permissions: ' + permissions[kind])
}
