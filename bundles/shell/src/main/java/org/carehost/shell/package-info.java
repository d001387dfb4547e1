/**
 * Shell sessions for remote operators: the SSH server (and anything else that lets a person type commands) opens a
 * session bound to the operator who logged in; every command in it is checked against the operator's roles in one
 * place and runs in a care context naming them.
 */
@Export
@Version("1.9.0")
package org.carehost.shell;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
