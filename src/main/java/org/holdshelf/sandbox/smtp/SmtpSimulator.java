package org.holdshelf.sandbox.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP server on 127.0.0.1 that accepts mail and keeps it: the sandbox's mail sink, and the
 * server the notices' fault tests talk to. It speaks real SMTP (an RFC 5321 subset), so a Jakarta
 * Mail client that works here works against a real relay:
 * <ul>
 *   <li>Greeting {@code 220}; {@code EHLO} advertises {@code SIZE}, {@code 8BITMIME},
 *       {@code ENHANCEDSTATUSCODES} and, when credentials are configured, {@code AUTH PLAIN LOGIN}
 *       (then required before {@code MAIL}: {@code 530}). No {@code PIPELINING} and no
 *       {@code STARTTLS}: clients must not ask for TLS here.</li>
 *   <li>{@code HELO}, {@code MAIL FROM} (parameters {@code SIZE}, {@code BODY}, {@code AUTH}),
 *       {@code RCPT TO} (up to 100), {@code DATA} with dot-stuffing, {@code RSET}, {@code NOOP},
 *       {@code QUIT}; any number of messages per connection, up to {@code max-connections}
 *       connections at once (one more is greeted {@code 421}).</li>
 *   <li>Errors: commands out of sequence {@code 503}, unknown {@code 500}, known but not
 *       implemented ({@code VRFY}, {@code STARTTLS}, ...) {@code 502}, bad syntax or addresses
 *       {@code 501}, lines longer than RFC 5321 allows (512 octets for commands, 1000 for text)
 *       {@code 500}, messages over {@code max-message-bytes} {@code 552}, idle for 5 minutes
 *       {@code 421}.</li>
 * </ul>
 * Accepted messages are kept in memory ({@link #messages()}) and, with {@code mail-dir}, written
 * as {@code .eml} files. Faults, set in the {@link SmtpSandboxSettings} or at run time: refused
 * recipients ({@link #rejectRecipients}, {@code 550 5.1.1}), temporary failures
 * ({@link #failNextMessages}, {@code 451 4.3.0}), refused connections
 * ({@link #refuseNextConnections}, {@link #unavailableFor}, {@code 421 4.3.2}), a server that is
 * down ({@link #suspend()}/{@link #resume()}) and a slow answer to {@code DATA}
 * ({@link #setLatency}).
 *
 * <pre>{@code
 * try (SmtpSimulator smtp = new SmtpSimulator(SmtpSandboxSettings.defaults()).start()) {
 *     // mail.smtp.host = smtp.host(), mail.smtp.port = smtp.port(); then smtp.messages()
 * }
 * }</pre>
 */
public final class SmtpSimulator implements AutoCloseable {

    /** The only address the simulator listens on, and the name it gives itself. */
    public static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSimulator.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** A span of {@link System#nanoTime()} during which the server refuses service; empty when from == until. */
    private record Outage(long fromNanos, long untilNanos) {

        static final Outage NONE = new Outage(0, 0);

        boolean covers(long nanos) {
            return nanos - fromNanos >= 0 && nanos - untilNanos < 0;
        }
    }

    private final SmtpSandboxSettings settings;
    private final List<SmtpMessage> messages = new ArrayList<>();
    private volatile boolean keepMessages = true;
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder connections = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final Map<Integer, LongAdder> refusals = new ConcurrentHashMap<>();
    private final AtomicInteger temporaryFailures;
    private final AtomicInteger connectionRefusals;
    private final AtomicInteger activeSessions = new AtomicInteger();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean mailDirWarned = new AtomicBoolean();
    private volatile Pattern rejectPattern;
    private volatile Duration latency;
    private volatile Outage outage = Outage.NONE;

    private ExecutorService sessions;
    private ServerSocket listening;
    private Thread acceptor;
    private int port = -1;

    public SmtpSimulator(SmtpSandboxSettings settings) {
        this.settings = settings;
        this.rejectPattern = settings.compiledRejectPattern();
        this.latency = settings.latency();
        this.temporaryFailures = new AtomicInteger(settings.tempFailMessages());
        this.connectionRefusals = new AtomicInteger(settings.refuseConnections());
    }

    /** Starts on the port of the settings (0: a free one). */
    public SmtpSimulator start() {
        return start(settings.port());
    }

    /** Starts listening; port 0 picks a free port. The settings' outage counts from here. */
    public synchronized SmtpSimulator start(int port) {
        if (sessions != null) {
            throw new IllegalStateException("SMTP simulator is already started");
        }
        if (settings.mailDir() != null) {
            try {
                Files.createDirectories(settings.mailDir());
            } catch (IOException e) {
                throw new IllegalStateException("Cannot create " + SmtpSandboxSettings.PREFIX + "mail-dir "
                        + settings.mailDir() + ": " + e.getMessage(), e);
            }
        }
        AtomicInteger threads = new AtomicInteger();
        sessions = Executors.newFixedThreadPool(settings.maxConnections(), r -> {
            Thread t = new Thread(r, "sandbox-smtp-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            listen(port);
        } catch (IllegalStateException e) {
            sessions.shutdownNow();
            sessions = null;
            throw e;
        }
        if (!settings.outage().isZero()) {
            long from = System.nanoTime() + settings.outageStart().toNanos();
            outage = new Outage(from, from + settings.outage().toNanos());
        }
        LOG.debug("SMTP simulator listening on {} ({}, messages up to {} bytes, recipients matching /{}/ refused{})",
                address(), settings.authRequired() ? "AUTH PLAIN LOGIN required" : "no AUTH", settings.maxMessageBytes(),
                settings.rejectPattern(), settings.mailDir() == null ? "" : ", copies in " + settings.mailDir());
        return this;
    }

    private void listen(int requestedPort) {
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true); // so resume() can bind the same port again at once
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 50);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new IllegalStateException("Cannot start the SMTP simulator on port " + requestedPort + ": " + e.getMessage(), e);
        }
        listening = socket;
        port = socket.getLocalPort();
        ServerSocket accepting = socket;
        acceptor = new Thread(() -> acceptLoop(accepting), "sandbox-smtp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop(ServerSocket accepting) {
        while (true) {
            Socket socket;
            try {
                socket = accepting.accept();
            } catch (IOException closed) {
                return; // suspended or closed
            }
            if (accepting.isClosed()) {
                closeQuietly(socket); // arrived while the listener was being closed: the server is down
                return;
            }
            connections.increment();
            if (outage.covers(System.nanoTime()) || takeOne(connectionRefusals)) {
                refuse(socket, "4.3.2 Service not available, closing transmission channel");
            } else if (activeSessions.incrementAndGet() > settings.maxConnections()) {
                activeSessions.decrementAndGet();
                refuse(socket, "4.7.0 Error: too many connections from " + HOST);
            } else {
                openSockets.add(socket);
                try {
                    sessions.execute(new SmtpSession(this, socket));
                } catch (RuntimeException rejected) {
                    sessionEnded(socket); // closing down
                    closeQuietly(socket);
                }
            }
        }
    }

    /** A {@code 421} greeting, then the connection is closed, as a server that cannot serve does. */
    private void refuse(Socket socket, String text) {
        refused(421);
        try (socket; OutputStream out = socket.getOutputStream()) {
            out.write(("421 " + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException gone) {
            // the client did not wait for the answer
        }
    }

    /** {@code 127.0.0.1}, what a client configures as its SMTP host. */
    public String host() {
        return HOST;
    }

    public synchronized int port() {
        if (port < 0) {
            throw new IllegalStateException("SMTP simulator is not started");
        }
        return port;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return HOST + ":" + port();
    }

    public SmtpSandboxSettings settings() {
        return settings;
    }

    // ---- what was received ------------------------------------------------------------------

    /** The messages accepted so far, oldest first; an immutable snapshot. */
    public List<SmtpMessage> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Messages kept (see {@link #keepMessages}); {@link #stats()} counts every accepted message. */
    public int count() {
        synchronized (messages) {
            return messages.size();
        }
    }

    /**
     * Whether accepted messages are kept in memory for {@link #messages()} (the default); off, they
     * are only counted (and written to {@code mail-dir} if set), for runs of hundreds of thousands.
     */
    public void keepMessages(boolean keep) {
        this.keepMessages = keep;
    }

    /** Forgets the messages received so far (not the {@code .eml} files, nor the stats). */
    public void clear() {
        synchronized (messages) {
            messages.clear();
        }
    }

    public SmtpStats stats() {
        Map<Integer, Long> byCode = new HashMap<>();
        refusals.forEach((code, count) -> byCode.put(code, count.sum()));
        return new SmtpStats(connections.sum(), accepted.sum(), byCode);
    }

    public void resetStats() {
        connections.reset();
        accepted.reset();
        refusals.clear();
    }

    // ---- faults -----------------------------------------------------------------------------

    /** Recipients in which {@code regex} is found (case-insensitively) get {@code 550 5.1.1}; null: none. */
    public void rejectRecipients(String regex) {
        rejectPattern = regex == null ? null : Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }

    /** The next {@code count} messages get {@code 451 4.3.0} at the end of {@code DATA} and are not kept. */
    public void failNextMessages(int count) {
        temporaryFailures.set(count);
    }

    /** The next {@code count} connections are greeted {@code 421 4.3.2} and closed. */
    public void refuseNextConnections(int count) {
        connectionRefusals.set(count);
    }

    /**
     * From now on, for {@code duration}, new connections are greeted {@code 421 4.3.2} and closed,
     * and open ones get {@code 421} to their next command and are closed: the server is going
     * down for maintenance. {@link Duration#ZERO} ends an outage early.
     */
    public void unavailableFor(Duration duration) {
        long now = System.nanoTime();
        outage = new Outage(now, now + duration.toNanos());
    }

    /** Time to answer the end of {@code DATA}, counted from the final dot. */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    /**
     * The server is down: the port stops listening (connections are refused by the OS) and open
     * connections are dropped without a reply, as when the process dies.
     */
    public synchronized void suspend() {
        if (listening != null) {
            stopListening();
            openSockets.forEach(SmtpSimulator::closeQuietly);
            LOG.info("SMTP simulator on {} suspended: not listening", address());
        }
    }

    /**
     * Closes the listening socket and waits for the acceptor to leave {@code accept()}: until it
     * has, the kernel keeps the socket listening, and a client could still connect.
     */
    private void stopListening() {
        closeQuietly(listening);
        listening = null;
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Listens again on the same port after {@link #suspend()}. */
    public synchronized void resume() {
        if (sessions == null) {
            throw new IllegalStateException("SMTP simulator is not started");
        }
        if (listening == null) {
            listen(port);
            LOG.info("SMTP simulator listening again on {}", address());
        }
    }

    public synchronized boolean isListening() {
        return listening != null;
    }

    @Override
    public synchronized void close() {
        if (sessions == null) {
            return;
        }
        if (listening != null) {
            stopListening();
        }
        openSockets.forEach(SmtpSimulator::closeQuietly);
        sessions.shutdownNow();
        try {
            sessions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sessions = null;
    }

    // ---- for the sessions ---------------------------------------------------------------------

    boolean rejects(String recipient) {
        Pattern pattern = rejectPattern;
        return pattern != null && pattern.matcher(recipient).find();
    }

    boolean takeTemporaryFailure() {
        return takeOne(temporaryFailures);
    }

    boolean unavailable() {
        return outage.covers(System.nanoTime());
    }

    Duration latency() {
        return latency;
    }

    void refused(int code) {
        refusals.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void sessionEnded(Socket socket) {
        if (openSockets.remove(socket)) {
            activeSessions.decrementAndGet();
        }
    }

    /** Keeps an accepted message (and writes its {@code .eml}); returns its queue id. */
    String accept(String from, List<String> recipients, byte[] raw) {
        long number = sequence.incrementAndGet();
        SmtpMessage message = new SmtpMessage(number, from, recipients, raw, Instant.now());
        if (keepMessages) {
            synchronized (messages) {
                messages.add(message);
            }
        }
        accepted.increment();
        if (settings.mailDir() != null) {
            writeEml(message);
        }
        // addresses only at DEBUG: contact details stay out of the logs above it
        LOG.debug("SMTP simulator accepted message {} from <{}> to {} ({} bytes)", number, from, recipients, raw.length);
        return String.format("%08X", number);
    }

    /**
     * {@code <received>-<sequence>.eml}, written aside and renamed so a reader never sees half a
     * file. A delivery agent's {@code Return-Path} and {@code Delivered-To} come first, since the
     * envelope is otherwise lost.
     */
    private void writeEml(SmtpMessage message) {
        String name = FILE_TIME.format(message.received()) + "-" + String.format("%06d", message.sequence()) + ".eml";
        Path target = settings.mailDir().resolve(name);
        Path partial = settings.mailDir().resolve("." + name + ".part");
        StringBuilder trace = new StringBuilder("Return-Path: <").append(message.envelopeFrom()).append(">\r\n");
        message.recipients().forEach(to -> trace.append("Delivered-To: ").append(to).append("\r\n"));
        try (OutputStream out = Files.newOutputStream(partial)) {
            out.write(trace.toString().getBytes(StandardCharsets.UTF_8));
            out.write(message.raw());
        } catch (IOException e) {
            warnMailDir(e);
            return;
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            warnMailDir(e);
        }
    }

    /** Once: a full or read-only disk would otherwise log a line per message. */
    private void warnMailDir(IOException e) {
        if (mailDirWarned.compareAndSet(false, true)) {
            LOG.warn("SMTP simulator cannot write messages to {} ({}); they are kept in memory only", settings.mailDir(), e.toString());
        }
    }

    private static boolean takeOne(AtomicInteger counter) {
        return counter.getAndUpdate(left -> left > 0 ? left - 1 : 0) > 0;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing; nothing to do
            }
        }
    }
}
