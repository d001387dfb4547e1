package org.carehost.agent;

/**
 * The method-entry (and exit) hooks of {@link Hooks}, one a line: {@code owner method [descriptor prefix] [this |
 * field:name:descriptor] [exit]}. Data only, apart from {@link Hooks} so that the rules that read it fit in a reader's
 * mind; what each hook means is the security manager's ({@code ChokePoints}).
 */
final class EntryHookTable {

    /** java.io.File's hooks pass its path field: the native code reads that field, whatever getPath answers. */
    private static final String FILE_PATH = " field:path:Ljava/lang/String;";

    static final String[] TABLE = {
        // files: java.io
        "java/io/FileInputStream open",
        "java/io/FileInputStream close this",
        "java/io/FileOutputStream open",
        "java/io/FileOutputStream close this",
        "java/io/RandomAccessFile open",
        // java.io.File: its path field, not the receiver, whose getPath a subclass may override to lie
        "java/io/File delete" + FILE_PATH, "java/io/File deleteOnExit" + FILE_PATH, "java/io/File mkdir" + FILE_PATH,
        "java/io/File renameTo" + FILE_PATH, "java/io/File createNewFile" + FILE_PATH,
        "java/io/File setLastModified" + FILE_PATH, "java/io/File setReadOnly" + FILE_PATH,
        "java/io/File setWritable" + FILE_PATH, "java/io/File setReadable" + FILE_PATH,
        "java/io/File setExecutable" + FILE_PATH, "java/io/File normalizedList" + FILE_PATH,
        "java/io/File exists" + FILE_PATH, "java/io/File isDirectory" + FILE_PATH, "java/io/File isFile" + FILE_PATH,
        "java/io/File length" + FILE_PATH, "java/io/File lastModified" + FILE_PATH,
        "java/io/File canRead" + FILE_PATH, "java/io/File canWrite" + FILE_PATH,
        "java/io/File canExecute" + FILE_PATH, "java/io/File isHidden" + FILE_PATH,
        // files: the default provider (java.nio.file.Files and FileChannel.open end here)
        "sun/nio/fs/UnixFileSystemProvider newByteChannel", "sun/nio/fs/UnixFileSystemProvider newFileChannel",
        "sun/nio/fs/UnixFileSystemProvider newAsynchronousFileChannel",
        "sun/nio/fs/UnixFileSystemProvider newDirectoryStream", "sun/nio/fs/UnixFileSystemProvider createDirectory",
        "sun/nio/fs/UnixFileSystemProvider implDelete", "sun/nio/fs/UnixFileSystemProvider copy",
        "sun/nio/fs/UnixFileSystemProvider move", "sun/nio/fs/UnixFileSystemProvider createSymbolicLink",
        "sun/nio/fs/UnixFileSystemProvider createLink", "sun/nio/fs/UnixFileSystemProvider readSymbolicLink",
        "sun/nio/fs/UnixFileSystemProvider checkAccess", "sun/nio/fs/UnixFileSystemProvider readAttributes",
        "sun/nio/fs/UnixFileSystemProvider readAttributesIfExists",
        "sun/nio/fs/UnixFileSystemProvider getFileAttributeView", "sun/nio/fs/UnixFileSystemProvider exists",
        "sun/nio/fs/UnixFileSystemProvider isReadable", "sun/nio/fs/UnixFileSystemProvider isWritable",
        "sun/nio/fs/UnixFileSystemProvider isExecutable", "sun/nio/fs/UnixFileSystemProvider getFileStore",
        // files, continued: a SecureDirectoryStream's own operations reach files relative to its open directory
        // (openat, unlinkat, renameat) without the provider; java.io.File's temporary files are made without
        // createNewFile; the Linux provider makes its dos and user attribute views itself; a watch service reports the
        // names made in a folder
        "sun/nio/fs/UnixSecureDirectoryStream newByteChannel (Ljava/nio/file/Path;",
        "sun/nio/fs/UnixSecureDirectoryStream newDirectoryStream (Ljava/nio/file/Path;",
        "sun/nio/fs/UnixSecureDirectoryStream deleteFile (Ljava/nio/file/Path;",
        "sun/nio/fs/UnixSecureDirectoryStream deleteDirectory (Ljava/nio/file/Path;",
        "sun/nio/fs/UnixSecureDirectoryStream move (Ljava/nio/file/Path;",
        "sun/nio/fs/UnixSecureDirectoryStream getFileAttributeView (Ljava/nio/file/Path;",
        "sun/nio/fs/UnixSecureDirectoryStream getFileAttributeView (Ljava/lang/Class;)",
        "java/io/File createTempFile (Ljava/lang/String;Ljava/lang/String;Ljava/io/File;)",
        "sun/nio/fs/LinuxFileSystemProvider getFileAttributeView", "sun/nio/fs/LinuxFileSystemProvider readAttributes",
        "sun/nio/fs/LinuxWatchService register",
        // Files.setAttribute (the attribute views' setters by name)
        "sun/nio/fs/AbstractFileSystemProvider setAttribute",
        // sockets of every kind, datagrams, Unix-domain sockets, name lookups
        "sun/nio/ch/Net connect", "sun/nio/ch/Net bind",
        // descriptors made before anything is reached: a socket, a pipe, a selector, a watch service (red team 17: a
        // plugin with no permission opened pipes until the process had no descriptor left, and kept them)
        "sun/nio/ch/Net socket", "sun/nio/ch/Net serverSocket", "sun/nio/ch/SelectorProviderImpl openPipe",
        "sun/nio/ch/EPollSelectorProvider openSelector", "sun/nio/ch/PollSelectorProvider openSelector",
        "sun/nio/ch/LinuxAsynchronousChannelProvider openAsynchronousChannelGroup",
        "sun/nio/fs/LinuxFileSystem newWatchService", "sun/nio/ch/UnixDomainSockets socket",
        "sun/nio/ch/DatagramChannelImpl send (Ljava/nio/ByteBuffer;Ljava/net/SocketAddress;)",
        "sun/nio/ch/DatagramChannelImpl connect (Ljava/net/SocketAddress;Z)",
        "sun/nio/ch/UnixDomainSockets connect", "sun/nio/ch/UnixDomainSockets bind",
        "java/net/InetAddress getByName (Ljava/lang/String;)", "java/net/InetAddress getAllByName (Ljava/lang/String;)",
        "java/net/InetAddress getLocalHost", "java/net/InetAddress getHostFromNameService",
        // the JDK HTTP client and WebSocket: checked on the caller's thread, since the connection itself is made on
        // the client's own selector and worker threads
        "jdk/internal/net/http/HttpClientImpl sendAsync (Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;"
                + "Ljava/net/http/HttpResponse$PushPromiseHandler;Ljava/util/concurrent/Executor;)",
        "jdk/internal/net/http/websocket/BuilderImpl buildAsync",
        // HttpURLConnection (and https, whose delegate extends it) before it takes a connection: one the JDK kept
        // alive for another caller makes no new socket, so the socket hooks would not see it
        "sun/net/www/protocol/http/HttpURLConnection plainConnect0 field:url:Ljava/net/URL;",
        "sun/nio/ch/FileChannelImpl implCloseChannel field:fd:Ljava/io/FileDescriptor;",
        // the standard streams, whatever stands in for them (the shell's per-thread streams, a test runner's)
        "java/io/InputStream close this", "java/io/OutputStream close this", "java/io/FilterInputStream close this",
        "java/io/FilterOutputStream close this", "java/io/BufferedInputStream close this", "java/io/PrintStream close this",
        "org/apache/felix/gogo/runtime/threadio/ThreadInputStream close this",
        "org/apache/felix/gogo/runtime/threadio/ThreadPrintStream close this",
        // an operator's shell session (the console's, a script's, an SSH login's): Gogo hands it to any command whose
        // first parameter it fits (AutoCloseable, Object), a plugin's too (red team 14 closed it: every later command
        // failed, exit included)
        "org/apache/felix/gogo/runtime/CommandSessionImpl close this",
        // the console itself: the process's standard input, output and error as a plugin could reach them. System.in
        // read (Gogo's stream: every read, skip and mark goes through its getCurrent), the streams Gogo stands in for
        // (getRoot), a stream made on descriptor 0, 1 or 2, and the JDK's Console; not System.out's and System.err's
        // writes (a plugin's print passes: no hook on Gogo's Marker)
        "org/apache/felix/gogo/runtime/threadio/ThreadInputStream getCurrent",
        "org/apache/felix/gogo/runtime/threadio/ThreadInputStream getRoot",
        "org/apache/felix/gogo/runtime/threadio/ThreadPrintStream getRoot",
        "java/io/FileInputStream <init> (Ljava/io/FileDescriptor;)",
        "java/io/FileOutputStream <init> (Ljava/io/FileDescriptor;)",
        "java/lang/System console",
        // SCTP sockets (jdk.sctp connects through natives of its own, not sun.nio.ch.Net)
        "sun/nio/ch/sctp/SctpNet socket",
        // processes, exit, shutdown hooks, signals
        "java/lang/ProcessImpl start", "java/lang/ProcessBuilder environment",
        "java/lang/ProcessHandleImpl destroyProcess this", "java/lang/ProcessHandleImpl info this",
        "sun/misc/Signal handle", "sun/misc/Signal raise",
        "java/lang/Runtime exit", "java/lang/Runtime halt", "java/lang/Runtime addShutdownHook",
        "java/lang/Runtime removeShutdownHook",
        // native code
        "java/lang/Runtime load0", "java/lang/Runtime loadLibrary0",
        "java/lang/foreign/Linker nativeLinker", "java/lang/foreign/SymbolLookup libraryLookup",
        // the restricted methods of java.lang.foreign that reach any memory without the linker (JDK 22 and later)
        "jdk/internal/foreign/AbstractMemorySegmentImpl reinterpret",
        "jdk/internal/foreign/layout/ValueLayouts$OfAddressImpl withTargetLayout",
        // environment, system properties, standard streams
        "java/lang/System getenv", "java/lang/System setProperty", "java/lang/System clearProperty",
        "java/lang/System setProperties", "java/lang/System getProperties", "java/lang/System setIn",
        "java/lang/System setOut", "java/lang/System setErr", "java/lang/System setSecurityManager",
        // the JVM's defaults that every part of the container uses: security providers and properties (every cipher,
        // key and random number), locale and time zone, the network's proxies, authenticator, cookies, caches, socket
        // factories and TLS defaults, JAAS and JNDI, JDBC's log writer
        "java/security/Security insertProviderAt", "java/security/Security addProvider",
        "java/security/Security removeProvider", "java/security/Security setProperty",
        // a provider's entries (an installed provider emptied leaves the container without its ciphers)
        "java/security/Provider put this", "java/security/Provider putAll this", "java/security/Provider remove this",
        "java/security/Provider clear this", "java/security/Provider compute this",
        "java/security/Provider computeIfAbsent this", "java/security/Provider computeIfPresent this",
        "java/security/Provider merge this", "java/security/Provider replace this",
        "java/security/Provider replaceAll this", "java/security/Provider putIfAbsent this",
        "java/security/Provider load this",
        "java/util/Locale setDefault", "java/util/TimeZone setDefault",
        "java/net/ProxySelector setDefault", "java/net/Authenticator setDefault", "java/net/CookieHandler setDefault",
        "java/net/ResponseCache setDefault", "java/net/URL setURLStreamHandlerFactory",
        "java/net/URLConnection setContentHandlerFactory", "java/net/URLConnection setFileNameMap",
        "java/net/URLConnection setDefaultAllowUserInteraction",
        "java/net/URLConnection setDefaultUseCaches",
        "java/net/HttpURLConnection setFollowRedirects", "java/net/Socket setSocketImplFactory",
        "java/net/ServerSocket setSocketFactory", "java/net/DatagramSocket setDatagramSocketImplFactory",
        "javax/net/ssl/SSLContext setDefault", "javax/net/ssl/HttpsURLConnection setDefaultSSLSocketFactory",
        "javax/net/ssl/HttpsURLConnection setDefaultHostnameVerifier",
        "javax/security/auth/login/Configuration setConfiguration",
        "javax/naming/spi/NamingManager setInitialContextFactoryBuilder",
        "javax/naming/spi/NamingManager setObjectFactoryBuilder", "java/rmi/server/RMISocketFactory setSocketFactory",
        "java/rmi/server/RMISocketFactory setFailureHandler",
        "java/sql/DriverManager setLogWriter", "java/sql/DriverManager setLogStream",
        "java/sql/DriverManager setLoginTimeout", "java/time/zone/ZoneRulesProvider registerProvider",
        "javax/imageio/ImageIO setCacheDirectory", "javax/imageio/ImageIO setUseCache",
        "java/beans/Introspector setBeanInfoSearchPath", "java/beans/PropertyEditorManager registerEditor",
        "java/beans/PropertyEditorManager setEditorSearchPath", "java/rmi/server/RemoteServer setLog",
        // reflection past access checks, class loaders
        "java/lang/reflect/AccessibleObject checkCanSetAccessible (Ljava/lang/Class;Ljava/lang/Class;Z)",
        "java/lang/invoke/MethodHandles privateLookupIn",
        // objects whose calls run a method the JDK chooses (a proxy's handler, a method handle): registered as a
        // listener or a service, they would run on the container's threads with no frame of the plugin's
        "java/lang/reflect/Proxy <init> (Ljava/lang/reflect/InvocationHandler;) this",
        "java/lang/invoke/MethodHandleProxies asInterfaceInstance",
        // a proxy read from a serialized stream is made without its constructor
        "java/io/ObjectInputStream readProxyDesc",
        "java/lang/ClassLoader <init> (Ljava/lang/Void;Ljava/lang/String;Ljava/lang/ClassLoader;) this",
        // classes defined at run time, in a loader a plugin made or through its own lookup: a plugin's code comes from
        // its jar, where it is scanned and woven (red team 12: a class so defined ran on after its plugin's code stop)
        "java/lang/ClassLoader defineClass (Ljava/lang/String;[BIILjava/security/ProtectionDomain;) this",
        "java/lang/ClassLoader defineClass (Ljava/lang/String;Ljava/nio/ByteBuffer;Ljava/security/ProtectionDomain;) this",
        "java/lang/invoke/MethodHandles$Lookup defineClass this",
        "java/lang/invoke/MethodHandles$Lookup defineHiddenClass this",
        "java/lang/invoke/MethodHandles$Lookup defineHiddenClassWithClassData this",
        // tasks handed to the JDK's executors: made (the cause is recorded) and run (the cause is found again)
        "java/util/concurrent/ForkJoinTask <init> this", "java/util/concurrent/ForkJoinTask doExec this",
        "java/util/concurrent/FutureTask <init> this", "java/util/concurrent/FutureTask run this",
        "java/util/concurrent/FutureTask runAndReset this",
        // ... and over, returned or thrown (the work a worker does for the task is charged to its maker until then)
        "java/util/concurrent/ForkJoinTask doExec this exit", "java/util/concurrent/FutureTask run this exit",
        "java/util/concurrent/FutureTask runAndReset this exit",
        // pools made (the plugin that made one owns its workers; their start is hooked inside the pool, at CallSiteTable):
        // the constructors every other one calls (the common pool's own, ForkJoinPool(byte), is not hooked)
        "java/util/concurrent/ThreadPoolExecutor <init> (IIJLjava/util/concurrent/TimeUnit;"
                + "Ljava/util/concurrent/BlockingQueue;Ljava/util/concurrent/ThreadFactory;"
                + "Ljava/util/concurrent/RejectedExecutionHandler;) this",
        "java/util/concurrent/ForkJoinPool <init> (ILjava/util/concurrent/ForkJoinPool$ForkJoinWorkerThreadFactory;"
                + "Ljava/lang/Thread$UncaughtExceptionHandler;ZIIILjava/util/function/Predicate;J"
                + "Ljava/util/concurrent/TimeUnit;) this",
        // a bare Runnable given to a ThreadPoolExecutor: handed over (its run and end are hooked inside runWorker,
        // at CallSiteTable)
        "java/util/concurrent/ThreadPoolExecutor execute (Ljava/lang/Runnable;)",
        // ... and refused by it (its package-private reject, called by execute): the claim execute made is dropped
        "java/util/concurrent/ThreadPoolExecutor reject (Ljava/lang/Runnable;)",
        // threads
        "java/lang/Thread start this", "java/lang/VirtualThread start this",
        "java/lang/Thread interrupt this", "java/lang/Thread stop this", "java/lang/Thread suspend this",
        "java/lang/Thread resume this", "java/lang/Thread setPriority this", "java/lang/Thread setDaemon this",
        "java/lang/Thread setName this", "java/lang/Thread setUncaughtExceptionHandler this",
        "java/lang/Thread setContextClassLoader this",
        "java/lang/Thread enumerate", "java/lang/Thread getAllStackTraces",
        "java/lang/Thread setDefaultUncaughtExceptionHandler",
        "java/lang/ThreadGroup interrupt this", "java/lang/ThreadGroup stop this", "java/lang/ThreadGroup destroy this",
        "java/lang/ThreadGroup enumerate this", "java/lang/ThreadGroup setMaxPriority this",
        "java/lang/ThreadGroup setDaemon this",
        // native memory outside the heap's bound: zip streams (zlib's state), direct buffers, foreign arenas (JDK 22
        // and later); taken after the super constructor returns, given back by end() or an arena's close (as it returns
        // or throws: the checker asks whether it closed)
        "java/util/zip/Deflater <init> (IZ) this", "java/util/zip/Inflater <init> (Z) this",
        "java/util/zip/Deflater end this", "java/util/zip/Inflater end this",
        "java/nio/DirectByteBuffer <init> (I)V this",
        "jdk/internal/foreign/SegmentFactories allocateNativeSegment",
        "jdk/internal/foreign/MemorySessionImpl close this exit",
        // a Reader or Writer given the object it locks around its methods (a plugin's subclass, the lock anybody's)
        "java/io/Reader <init> (Ljava/lang/Object;)V this", "java/io/Writer <init> (Ljava/lang/Object;)V this",
        // preferences: the JDK writes them under the user's home, from a timer thread of its own
        "java/util/prefs/Preferences userRoot", "java/util/prefs/Preferences systemRoot",
        "java/util/prefs/Preferences userNodeForPackage", "java/util/prefs/Preferences systemNodeForPackage",
        // JDK tools, attach, scripting
        "java/util/spi/ToolProvider findFirst", "javax/tools/ToolProvider getSystemJavaCompiler",
        "javax/tools/ToolProvider getSystemDocumentationTool", "javax/tools/ToolProvider getSystemToolClassLoader",
        "jdk/jshell/JShell create", "jdk/jshell/JShell builder",
        "java/util/ServiceLoader load", "java/util/ServiceLoader loadInstalled",
        "com/sun/tools/attach/VirtualMachine attach", "com/sun/tools/attach/VirtualMachine list",
        // JMX, JFR, JDK logging configuration
        "java/lang/management/ManagementFactory getPlatformMBeanServer",
        "java/lang/management/ManagementFactory getPlatformMXBean",
        "java/lang/management/ManagementFactory getPlatformMXBeans",
        "java/lang/management/ManagementFactory newPlatformMXBeanProxy",
        "java/lang/management/ManagementFactory getRuntimeMXBean",
        "java/lang/management/ManagementFactory getThreadMXBean",
        "java/lang/management/ManagementFactory getMemoryMXBean",
        "javax/management/MBeanServerFactory createMBeanServer", "javax/management/MBeanServerFactory newMBeanServer",
        "javax/management/MBeanServerFactory findMBeanServer",
        "jdk/jfr/FlightRecorder getFlightRecorder", "jdk/jfr/Recording <init> this",
        "jdk/jfr/FlightRecorder addListener", "jdk/jfr/FlightRecorder addPeriodicEvent",
        "jdk/jfr/consumer/EventStream openRepository",
        "java/util/logging/LogManager reset", "java/util/logging/LogManager readConfiguration",
        "java/util/logging/LogManager updateConfiguration",
        "java/util/logging/FileHandler openFiles this", "java/util/logging/SocketHandler connect this",
        "java/util/logging/Logger addHandler this", "java/util/logging/Logger removeHandler this",
        "java/util/logging/Logger setUseParentHandlers this", "java/util/logging/Logger setParent this",
        "java/util/logging/Logger setLevel this", "java/util/logging/Logger setFilter this",
        // the framework: bundle lifecycle, install, framework extensions
        "org/apache/felix/framework/Felix installBundle", "org/apache/felix/framework/Felix startBundle",
        "org/apache/felix/framework/Felix stopBundle", "org/apache/felix/framework/Felix uninstallBundle",
        "org/apache/felix/framework/Felix updateBundle", "org/apache/felix/framework/Felix setBundleStartLevel",
        // bundle and framework listeners: the framework calls them on its own threads (a synchronous one on whichever
        // thread changed a bundle: the deploy watcher's, an operator's command's, the start-level thread)
        "org/apache/felix/framework/Felix addBundleListener", "org/apache/felix/framework/Felix addFrameworkListener",
        "org/apache/felix/framework/Felix refreshPackages", "org/apache/felix/framework/Felix stop this",
        "org/apache/felix/framework/Felix update this",
        "org/apache/felix/framework/BundleImpl getBundleContext this",
        // bundle entries: another bundle's jar is not a plugin's to read, by the Bundle API (which lists and finds) nor
        // at the content every bundle: URL reads (a URL from any source, a class loader's getResource, one made up)
        // a class a bundle's metadata names, loaded through it by an extender (SCR, SPI Fly) to build it
        "org/apache/felix/framework/BundleImpl loadClass this",
        "org/apache/felix/framework/BundleImpl getEntry this", "org/apache/felix/framework/BundleImpl getEntryPaths this",
        "org/apache/felix/framework/BundleImpl findEntries this", "org/apache/felix/framework/BundleImpl getResource this",
        "org/apache/felix/framework/BundleImpl getResources this",
        "org/apache/felix/framework/BundleRevisionImpl getInputStream this",
        "org/apache/felix/framework/BundleRevisionImpl hasInputStream this",
        "org/apache/felix/framework/BundleRevisionImpl getLocalURL this",
        "org/apache/felix/framework/ExtensionManager$ExtensionManagerRevision getInputStream this",
        "org/apache/felix/framework/ExtensionManager$ExtensionManagerRevision hasInputStream this",
        "org/apache/felix/framework/ExtensionManager$ExtensionManagerRevision getLocalURL this",
        "org/apache/felix/framework/ExtensionManager addExtensionBundle",
        // start levels: the calls a bundle makes (Felix applies them later, on its start-level thread)
        "org/apache/felix/framework/FrameworkStartLevelImpl$BundleStartLevelImpl setStartLevel",
        "org/apache/felix/framework/FrameworkStartLevelImpl setStartLevel",
        "org/apache/felix/framework/FrameworkStartLevelImpl setInitialBundleStartLevel",
        "org/apache/felix/framework/StartLevelImpl setBundleStartLevel",
        "org/apache/felix/framework/StartLevelImpl setStartLevel",
        "org/apache/felix/framework/StartLevelImpl setInitialBundleStartLevel",
        // the Log Service (Felix's): a logger for a bundle named by the caller, whose entries then pass for that
        // bundle's (each bundle's LogService is its own; only this method takes another)
        "org/apache/felix/log/LogServiceImpl getLogger (Lorg/osgi/framework/Bundle;",
        // Config Admin (Felix's): plugins never use it themselves; SCR configures their components
        "org/apache/felix/cm/impl/ConfigurationAdminImpl getConfiguration",
        "org/apache/felix/cm/impl/ConfigurationAdminImpl getFactoryConfiguration",
        "org/apache/felix/cm/impl/ConfigurationAdminImpl createFactoryConfiguration",
        "org/apache/felix/cm/impl/ConfigurationAdminImpl listConfigurations",
        "org/apache/felix/cm/impl/ConfigurationAdapter update", "org/apache/felix/cm/impl/ConfigurationAdapter delete",
        "org/apache/felix/cm/impl/ConfigurationAdapter updateIfDifferent",
        "org/apache/felix/cm/impl/ConfigurationAdapter setBundleLocation",
        "org/apache/felix/cm/impl/ConfigurationAdapter getProperties",
        "org/apache/felix/cm/impl/ConfigurationAdapter getProcessedProperties",
        "org/apache/felix/cm/impl/ConfigurationAdapter addAttributes",
        "org/apache/felix/cm/impl/ConfigurationAdapter removeAttributes",
        // where the container's libraries call a plugin's code on a thread of theirs (an activator, a listener, a
        // service factory, a component's methods, an event handler, a configuration update, a command): at the entry
        // and at each end, so that the checker gives the thread back as it was (red team 19: a plugin's activator
        // interrupted Felix FileInstall's deploy watcher, which ended at it)
        "org/apache/felix/framework/Felix createBundleActivator",
        "org/apache/felix/framework/Felix createBundleActivator exit",
        "org/apache/felix/framework/util/SecureAction startActivator",
        "org/apache/felix/framework/util/SecureAction startActivator exit",
        "org/apache/felix/framework/util/SecureAction stopActivator",
        "org/apache/felix/framework/util/SecureAction stopActivator exit",
        // ... Felix sending one event to every listener (each listener's filter is matched there, which can run a
        // plugin's code through a service property of its own class: restored when the event has been sent), and
        // around each listener's own call (CallSiteTable), restored when that listener returns
        "org/apache/felix/framework/EventDispatcher fireEventImmediately",
        "org/apache/felix/framework/EventDispatcher fireEventImmediately exit",
        "org/apache/felix/framework/ServiceRegistrationImpl getFactoryUnchecked",
        "org/apache/felix/framework/ServiceRegistrationImpl getFactoryUnchecked exit",
        "org/apache/felix/framework/ServiceRegistrationImpl ungetFactoryUnchecked",
        "org/apache/felix/framework/ServiceRegistrationImpl ungetFactoryUnchecked exit",
        "org/apache/felix/scr/impl/inject/methods/BaseMethod invokeMethod",
        "org/apache/felix/scr/impl/inject/methods/BaseMethod invokeMethod exit",
        "org/apache/felix/scr/impl/inject/internal/ComponentConstructorImpl newInstance",
        "org/apache/felix/scr/impl/inject/internal/ComponentConstructorImpl newInstance exit",
        "org/apache/felix/eventadmin/impl/handler/EventHandlerProxy sendEvent",
        "org/apache/felix/eventadmin/impl/handler/EventHandlerProxy sendEvent exit",
        "org/apache/felix/cm/impl/UpdateThread run0", "org/apache/felix/cm/impl/UpdateThread run0 exit",
        "org/apache/felix/gogo/runtime/Reflective invoke", "org/apache/felix/gogo/runtime/Reflective invoke exit",
        "org/apache/felix/gogo/runtime/CommandSessionImpl execute",
        "org/apache/felix/gogo/runtime/CommandSessionImpl execute exit",
        "org/apache/felix/gogo/runtime/CommandSessionImpl format",
        "org/apache/felix/gogo/runtime/CommandSessionImpl format exit",
        // ... the container's consoles reading a command's result (a plugin's own CharSequence, which format hands back)
        "org/carehost/shell/TerminalText formatted", "org/carehost/shell/TerminalText formatted exit",
        // ... and the container's own calls into plugins (validators, notifiers, adapters, scheduled runs) on its pool
        "org/carehost/plugins/internal/calls/PluginCallsImpl measured",
        "org/carehost/plugins/internal/calls/PluginCallsImpl measured exit",
    };

    private EntryHookTable() {
    }
}
