package org.holdshelf.platform.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this
 * JVM, built from Kafka's own server classes. It is the default when no external cluster is
 * configured, and the broker every integration test runs against.
 *
 * <p>It listens on 127.0.0.1 only. Its data lives in a directory it owns: kept across restarts
 * (so a restarted pipeline finds its topics, offsets and events again) unless
 * {@code deleteOnClose} is set, as tests do.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final CompletableFuture<KafkaRaftServer> started;
    private volatile boolean closed;

    private EmbeddedKafkaBroker(Path dataDir, boolean deleteOnClose, int port, CompletableFuture<KafkaRaftServer> started) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.started = started;
    }

    /**
     * Formats the data directory if needed and starts the broker; returns when it serves clients.
     *
     * @param dataDir       where the logs and metadata go (created if missing)
     * @param port          the client port; 0 picks a free one
     * @param deleteOnClose remove the data directory when the broker stops
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, boolean deleteOnClose) {
        EmbeddedKafkaBroker broker = startAsync(dataDir, port, deleteOnClose);
        broker.awaitReady();
        return broker;
    }

    /**
     * Starts the broker on a background thread and returns at once: the address is known before
     * the broker serves it, so the rest of the pipeline starts meanwhile (the broker takes a second
     * or two, mostly loading its classes). {@link #awaitReady()} before the first client call that
     * must succeed; clients that retry (producers, consumers) may connect earlier.
     */
    public static EmbeddedKafkaBroker startAsync(Path dataDir, int port, boolean deleteOnClose) {
        int clientPort = port > 0 ? port : freePort();
        int controllerPort = freePort();
        Path logDir = dataDir.toAbsolutePath().resolve("kraft-logs");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded Kafka data directory " + logDir, e);
        }
        Properties props = properties(clientPort, controllerPort, logDir);
        CompletableFuture<KafkaRaftServer> started = CompletableFuture.supplyAsync(() -> {
            // A directory formatted by an earlier start keeps its cluster id; formatting again would clash.
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(props, logDir);
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            LOG.info("Embedded Kafka broker listening on 127.0.0.1:{} (data in {})", clientPort, dataDir.toAbsolutePath());
            return server;
        }, task -> {
            Thread t = new Thread(task, "embedded-kafka-start");
            t.setDaemon(true);
            t.start();
        });
        return new EmbeddedKafkaBroker(dataDir, deleteOnClose, clientPort, started);
    }

    private static Properties properties(int clientPort, int controllerPort, Path logDir) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        // The pipeline creates its topics itself; a typo in a topic name should fail, not invent a topic.
        props.put("auto.create.topics.enable", "false");
        return props;
    }

    /** Blocks until the broker serves clients; throws if it could not start. */
    public void awaitReady() {
        server();
    }

    private KafkaRaftServer server() {
        try {
            return started.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException("The embedded Kafka broker did not start: "
                    + cause.getMessage(), cause);
        }
    }

    private static void format(Properties props, Path logDir) {
        Path config = logDir.resolveSibling("server.properties");
        try {
            try (var out = Files.newBufferedWriter(config)) {
                props.store(out, "embedded broker, written for the storage format step");
            }
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            int rc;
            try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(new String[] {
                    "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()}, out);
            }
            if (rc != 0) {
                throw new IllegalStateException("Formatting the embedded Kafka data directory " + logDir + " failed: "
                        + captured.toString(StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + config, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        KafkaRaftServer server;
        try {
            server = server();
        } catch (RuntimeException e) {
            return; // it never started: nothing to stop
        }
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
        LOG.info("Embedded Kafka broker stopped");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the embedded Kafka broker", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not remove the embedded Kafka data directory {}: {}", dir, e.getMessage());
        }
    }
}
