// The generated transformer plugin: its own symbolic name, only its kind's classes, and tests that ran and passed.
def project = new File(basedir, 'mrn-shape')
assert new File(project, 'bnd.bnd').text.contains('Bundle-SymbolicName: org.example.intake.mrn-shape')
assert new File(project, 'src/main/java/org/example/intake').list().sort() == ['ExampleTransformer.java']
assert new File(project, 'src/test/java/org/example/intake').list().sort() == ['ExampleTransformerIT.java', 'ExampleTransformerTest.java']
def jar = new java.util.jar.JarFile(new File(project, 'target/mrn-shape-0.1.0.jar'))
assert jar.manifest.mainAttributes.getValue('Bundle-SymbolicName') == 'org.example.intake.mrn-shape'
assert jar.manifest.mainAttributes.getValue('Carehost-Permissions') == 'read:patients,write:patients'
jar.close()
['surefire-reports/TEST-org.example.intake.ExampleTransformerTest.xml',
 'failsafe-reports/TEST-org.example.intake.ExampleTransformerIT.xml'].each { report ->
    def xml = new File(project, 'target/' + report).text
    assert xml =~ /tests="[1-9]/ : report + ' counts no test'
    assert xml.contains('failures="0"') && xml.contains('errors="0"') && xml.contains('skipped="0"') : report
}
return true
