// The generated notifier plugin: its own symbolic name, only its kind's classes, and tests that ran and passed.
def project = new File(basedir, 'pager')
assert new File(project, 'bnd.bnd').text.contains('Bundle-SymbolicName: org.example.ward.pager')
assert new File(project, 'src/main/java/org/example/ward').list().sort() == ['ExampleNotifier.java']
assert new File(project, 'src/test/java/org/example/ward').list().sort() == ['ExampleNotifierIT.java', 'ExampleNotifierTest.java']
def jar = new java.util.jar.JarFile(new File(project, 'target/pager-0.1.0.jar'))
assert jar.manifest.mainAttributes.getValue('Bundle-SymbolicName') == 'org.example.ward.pager'
jar.close()
['surefire-reports/TEST-org.example.ward.ExampleNotifierTest.xml',
 'failsafe-reports/TEST-org.example.ward.ExampleNotifierIT.xml'].each { report ->
    def xml = new File(project, 'target/' + report).text
    assert xml =~ /tests="[1-9]/ : report + ' counts no test'
    assert xml.contains('failures="0"') && xml.contains('errors="0"') && xml.contains('skipped="0"') : report
}
return true
