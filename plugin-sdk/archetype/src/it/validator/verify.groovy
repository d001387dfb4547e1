// The generated validator plugin: its own symbolic name, no parent, only its kind's classes, and tests that ran.
def project = new File(basedir, 'name-check')
def pom = new File(project, 'pom.xml').text
assert !pom.contains('<parent>') : 'the generated pom has no parent'
assert !pom.contains('relativePath')
def bnd = new File(project, 'bnd.bnd').text
assert bnd.contains('Bundle-SymbolicName: com.example.clinic.name-check')
assert bnd.contains('\nCarehost-Permissions: read:patients') : 'a validator declares read:patients'

def sources = new File(project, 'src/main/java/com/example/clinic')
assert sources.list().sort() == ['ExampleValidator.java'] : sources.list()
def jar = new java.util.jar.JarFile(new File(project, 'target/name-check-1.0.0-SNAPSHOT.jar'))
def manifest = jar.manifest.mainAttributes
assert manifest.getValue('Bundle-SymbolicName') == 'com.example.clinic.name-check'
assert manifest.getValue('Service-Component') != null : 'bnd wrote the DS component descriptor'
assert manifest.getValue('Carehost-Permissions') == 'read:patients'
jar.close()
['surefire-reports/TEST-com.example.clinic.ExampleValidatorTest.xml',
 'failsafe-reports/TEST-com.example.clinic.ExampleValidatorIT.xml'].each { report ->
    def xml = new File(project, 'target/' + report).text
    assert xml =~ /tests="[1-9]/ : report + ' counts no test'
    assert xml.contains('failures="0"') && xml.contains('errors="0"') && xml.contains('skipped="0"') : report
}
return true
