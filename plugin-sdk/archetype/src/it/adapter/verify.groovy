// The generated adapter plugin: its own symbolic name, only its kind's classes, and tests that ran and passed.
def project = new File(basedir, 'lab-feed')
assert new File(project, 'bnd.bnd').text.contains('Bundle-SymbolicName: org.example.lab.lab-feed')
assert new File(project, 'src/main/java/org/example/lab').list().sort() == ['ExampleAdapter.java']
assert new File(project, 'src/test/java/org/example/lab').list().sort() == ['ExampleAdapterIT.java', 'ExampleAdapterTest.java']
def jar = new java.util.jar.JarFile(new File(project, 'target/lab-feed-0.1.0.jar'))
assert jar.manifest.mainAttributes.getValue('Bundle-SymbolicName') == 'org.example.lab.lab-feed'
jar.close()
['surefire-reports/TEST-org.example.lab.ExampleAdapterTest.xml',
 'failsafe-reports/TEST-org.example.lab.ExampleAdapterIT.xml'].each { report ->
    def xml = new File(project, 'target/' + report).text
    assert xml =~ /tests="[1-9]/ : report + ' counts no test'
    assert xml.contains('failures="0"') && xml.contains('errors="0"') && xml.contains('skipped="0"') : report
}
return true
