package fahras.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts one OpenSearch node in this JVM from the jars on the classpath.
 *
 * <pre>java -cp target/classes:target/lib/* fahras.opensearch.Launcher &lt;path.home&gt;</pre>
 *
 * Every setting comes from {@code <path.home>/config/opensearch.yml} (written by {@code cluster.ts});
 * {@code <path.home>/config/log4j2.properties}, {@code modules/} and {@code plugins/} must exist.
 * The HTTP/transport layer ({@link Netty4Plugin}) and the {@code arabic} analyzer and friends
 * ({@link CommonAnalysisPlugin}) are loaded as classpath plugins. SIGTERM closes the node cleanly.
 * With {@code -Dfahras.parent.pid=N} the node also shuts down when process N is gone, so a test
 * runner that dies does not leave nodes behind.
 */
public final class Launcher {
    private Launcher() {}

    /** {@link Node}'s constructor that takes classpath plugins is protected. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment) {
            super(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class), true);
        }
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("fahras-launcher: usage: Launcher <path.home>");
            System.exit(2);
        }
        final Path home = Path.of(args[0]).toAbsolutePath().normalize();
        final Path config = home.resolve("config");
        for (Path required : List.of(config.resolve("opensearch.yml"), config.resolve("log4j2.properties"), home.resolve("modules"), home.resolve("plugins"))) {
            if (!Files.exists(required)) {
                System.err.println("fahras-launcher: missing " + required);
                System.exit(2);
            }
        }

        final Node node;
        try {
            LogConfigurator.registerErrorListener();
            Settings input = Settings.builder().put("path.home", home.toString()).build();
            Environment environment = InternalSettingsPreparer.prepareEnvironment(input, Map.of(), config, () -> "node");
            LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
            LogConfigurator.configure(environment);
            node = new ClasspathNode(environment);
        } catch (Throwable t) {
            fail("could not create the node", t);
            return;
        }

        final Logger log = LogManager.getLogger(Launcher.class);
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                log.info("fahras-launcher: closing the node");
                node.close();
                if (!node.awaitClose(20, TimeUnit.SECONDS)) log.warn("fahras-launcher: node did not close within 20s");
            } catch (Throwable t) {
                log.warn("fahras-launcher: error while closing the node", t);
            } finally {
                closed.countDown();
                LogManager.shutdown();
            }
        }, "fahras-launcher-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            fail("could not start the node", t);
            return;
        }
        log.info("fahras-launcher: node started (pid {})", ProcessHandle.current().pid());

        watchParent(log);

        // OpenSearch's own threads are daemons: keep the JVM alive until the shutdown hook has run.
        Thread keepAlive = new Thread(() -> {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fahras-launcher-keepalive");
        keepAlive.setDaemon(false);
        keepAlive.start();
    }

    private static void watchParent(Logger log) {
        String pid = System.getProperty("fahras.parent.pid");
        if (pid == null || pid.isBlank()) return;
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid.trim()));
        if (parent.isEmpty()) {
            log.warn("fahras-launcher: parent process {} is already gone, shutting down", pid);
            System.exit(0);
        }
        ProcessHandle p = parent.get();
        Thread watcher = new Thread(() -> {
            while (p.isAlive()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            log.warn("fahras-launcher: parent process {} is gone, shutting down", pid);
            System.exit(0);
        }, "fahras-launcher-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void fail(String what, Throwable t) {
        // System.err may already be routed to log4j (LogConfigurator does that); the log file gets both.
        System.err.println("fahras-launcher: " + what + ": " + t);
        t.printStackTrace();
        try {
            LogManager.getLogger(Launcher.class).error("fahras-launcher: " + what, t);
        } catch (Throwable ignored) {
            // logging itself may be what failed
        }
        Runtime.getRuntime().halt(1);
    }
}
