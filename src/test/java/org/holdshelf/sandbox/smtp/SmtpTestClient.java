package org.holdshelf.sandbox.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raw-socket SMTP client, so tests see the protocol itself: each command is one line written,
 * each reply read whole ({@code 250-...} continuation lines included). No mail library is on the
 * test class path, and none is needed to check replies byte by byte.
 */
final class SmtpTestClient implements AutoCloseable {

    /** One reply: its code and its lines without the {@code NNN-} / {@code NNN } prefixes. */
    record Reply(int code, List<String> lines) {

        String text() {
            return String.join("\n", lines);
        }

        Reply assertCode(int expected) {
            assertThat(code).as("reply %s %s", code, text()).isEqualTo(expected);
            return this;
        }
    }

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final Reply greeting;

    private SmtpTestClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        greeting = read();
    }

    /** Connects and reads the greeting (whatever its code). */
    static SmtpTestClient connect(SmtpSimulator smtp) {
        return connect(smtp.port());
    }

    static SmtpTestClient connect(int port) {
        try {
            return new SmtpTestClient(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects, expects 220 and says EHLO. */
    static SmtpTestClient ready(SmtpSimulator smtp) {
        SmtpTestClient client = connect(smtp);
        client.greeting().assertCode(220);
        client.command("EHLO client.test").assertCode(250);
        return client;
    }

    Reply greeting() {
        return greeting;
    }

    /** Sends one line (CRLF added) and reads the reply. */
    Reply command(String line) {
        write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        return read();
    }

    /** Writes bytes as they are, no reply read. */
    void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One whole transaction: MAIL, RCPT for each recipient, DATA, then the message's lines
     * dot-stuffed and the final dot. Returns the reply to the final dot.
     */
    Reply send(String from, List<String> to, String message) {
        command("MAIL FROM:<" + from + ">").assertCode(250);
        for (String recipient : to) {
            command("RCPT TO:<" + recipient + ">").assertCode(250);
        }
        command("DATA").assertCode(354);
        return sendData(message);
    }

    /** After a 354: the message with CRLF line ends and dot-stuffing, then {@code .}; the reply to it. */
    Reply sendData(String message) {
        StringBuilder data = new StringBuilder();
        for (String line : message.split("\r?\n", -1)) {
            data.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        write((data + ".\r\n").getBytes(StandardCharsets.UTF_8));
        return read();
    }

    /** Reads one reply; fails when the server closed the connection instead. */
    Reply read() {
        try {
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = in.readLine();
                assertThat(line).as("a reply (the server closed the connection)").isNotNull();
                lines.add(line.length() > 4 ? line.substring(4) : "");
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server closed the connection: the next read ends the stream (or the socket was reset). */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Time to get the reply to a command, for latency checks. */
    Duration timed(Runnable exchange) {
        long start = System.nanoTime();
        exchange.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
