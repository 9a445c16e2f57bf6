package org.holdshelf.sandbox.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * One SMTP connection: the RFC 5321 dialogue from the greeting to {@code QUIT}, one transaction
 * after another. Reply codes follow RFC 5321 and the enhanced status codes RFC 3463, worded as
 * Postfix words them, since that is what clients' error handling is usually written against.
 */
final class SmtpSession implements Runnable {

    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets, CRLF included. */
    static final int MAX_COMMAND_LINE = 512;
    /** RFC 5321 4.5.3.1.6: a text line is at most 1000 octets, CRLF included. */
    static final int MAX_TEXT_LINE = 1000;
    /** RFC 5321 4.5.3.1.8: a server must take at least 100 recipients. */
    static final int MAX_RECIPIENTS = 100;
    /** RFC 5321 4.5.3.2.7: a server should wait at least 5 minutes for the next command. */
    private static final int IDLE_TIMEOUT_MILLIS = 5 * 60 * 1000;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>,;\"]+@[^@\\s<>,;\"]+");
    private static final Set<String> NOT_IMPLEMENTED = Set.of("VRFY", "EXPN", "HELP", "TURN", "ETRN", "STARTTLS",
            "BDAT", "SEND", "SOML", "SAML");

    /** One line read from the client, without its line ending. */
    private record Line(byte[] bytes, boolean tooLong) {

        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private final SmtpSimulator server;
    private final Socket socket;
    private final ByteArrayOutputStream lineBuffer = new ByteArrayOutputStream(128);
    private InputStream in;
    private OutputStream out;

    private String helo;
    private boolean extended;
    private boolean authenticated;
    /** The transaction: {@code from} is null outside one. */
    private String from;
    private final List<String> recipients = new ArrayList<>();

    SmtpSession(SmtpSimulator server, Socket socket) {
        this.server = server;
        this.socket = socket;
    }

    @Override
    public void run() {
        try (socket) {
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream());
            reply(220, SmtpSimulator.HOST + " ESMTP Holdshelf sandbox SMTP ready");
            converse();
        } catch (SocketTimeoutException idle) {
            try {
                reply(421, "4.4.2 " + SmtpSimulator.HOST + " Error: timeout exceeded");
            } catch (IOException gone) {
                // the client is gone too
            }
        } catch (IOException closed) {
            // the client went away, or the server was suspended or closed under it
        } finally {
            server.sessionEnded(socket);
        }
    }

    private void converse() throws IOException {
        while (true) {
            Line line = readLine(MAX_COMMAND_LINE);
            if (line == null) {
                return;
            }
            if (line.tooLong()) {
                reply(500, "5.5.2 Error: line too long (a command line is at most 512 octets)");
                continue;
            }
            if (server.unavailable()) {
                reply(421, "4.3.2 Service not available, closing transmission channel");
                return;
            }
            String command = line.text();
            int space = command.indexOf(' ');
            String verb = (space < 0 ? command : command.substring(0, space)).toUpperCase(Locale.ROOT);
            String argument = space < 0 ? "" : command.substring(space + 1).strip();
            switch (verb) {
                case "EHLO", "HELO" -> hello(verb, argument);
                case "MAIL" -> mail(argument);
                case "RCPT" -> rcpt(argument);
                case "DATA" -> {
                    if (!data(argument)) {
                        return;
                    }
                }
                case "RSET" -> {
                    if (!argument.isEmpty()) {
                        reply(501, "5.5.4 Syntax: RSET");
                    } else {
                        resetTransaction();
                        reply(250, "2.0.0 Ok");
                    }
                }
                case "NOOP" -> reply(250, "2.0.0 Ok");
                case "QUIT" -> {
                    reply(221, "2.0.0 Bye");
                    return;
                }
                case "AUTH" -> {
                    if (!auth(argument)) {
                        return;
                    }
                }
                default -> {
                    if (NOT_IMPLEMENTED.contains(verb)) {
                        reply(502, "5.5.1 Error: command not offered by this server"); // RFC 5321 502
                    } else {
                        reply(500, "5.5.2 Error: command not recognized");
                    }
                }
            }
        }
    }

    // ---- commands ---------------------------------------------------------------------------

    private void hello(String verb, String domain) throws IOException {
        if (domain.isEmpty()) {
            reply(501, "5.5.4 Syntax: " + verb + " hostname");
            return;
        }
        resetTransaction(); // RFC 5321 4.1.4: a new EHLO or HELO is an implied RSET
        helo = domain;
        extended = verb.equals("EHLO");
        if (!extended) {
            reply(250, SmtpSimulator.HOST);
            return;
        }
        List<String> lines = new ArrayList<>(List.of(SmtpSimulator.HOST, "SIZE " + server.settings().maxMessageBytes(),
                "8BITMIME", "ENHANCEDSTATUSCODES"));
        if (server.settings().authRequired()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        replyLines(250, lines);
    }

    private void mail(String argument) throws IOException {
        if (helo == null) {
            reply(503, "5.5.1 Error: send HELO/EHLO first");
        } else if (server.settings().authRequired() && !authenticated) {
            reply(530, "5.7.0 Authentication required");
        } else if (from != null) {
            reply(503, "5.5.1 Error: nested MAIL command");
        } else {
            String[] path = path(argument, "FROM:");
            if (path == null || !(path[0].isEmpty() || ADDRESS.matcher(path[0]).matches())) {
                reply(501, "5.1.7 Bad sender address syntax");
                return;
            }
            for (String parameter : path[1].split(" +")) {
                String upper = parameter.toUpperCase(Locale.ROOT);
                if (upper.isEmpty() || upper.equals("BODY=7BIT") || upper.equals("BODY=8BITMIME") || upper.startsWith("AUTH=")) {
                    continue;
                }
                if (upper.startsWith("SIZE=")) {
                    if (declaredSize(upper.substring(5)) > server.settings().maxMessageBytes()) {
                        reply(552, "5.3.4 Message size exceeds fixed limit");
                        return;
                    }
                    continue;
                }
                reply(555, "5.5.4 Unsupported option: " + parameter);
                return;
            }
            from = path[0];
            reply(250, "2.1.0 Ok");
        }
    }

    private void rcpt(String argument) throws IOException {
        if (from == null) {
            reply(503, "5.5.1 Error: need MAIL command");
            return;
        }
        String[] path = path(argument, "TO:");
        if (path == null || !ADDRESS.matcher(path[0]).matches()) {
            reply(501, "5.1.3 Bad recipient address syntax");
        } else if (!path[1].isBlank()) {
            reply(555, "5.5.4 Unsupported option: " + path[1].strip());
        } else if (recipients.size() >= MAX_RECIPIENTS) {
            reply(452, "4.5.3 Error: too many recipients");
        } else if (server.rejects(path[0])) {
            reply(550, "5.1.1 <" + path[0] + ">: Recipient address rejected: User unknown in local recipient table");
        } else {
            recipients.add(path[0]);
            reply(250, "2.1.5 Ok");
        }
    }

    /** {@code DATA} and the message; false when the client went away in the middle. */
    private boolean data(String argument) throws IOException {
        if (!argument.isEmpty()) {
            reply(501, "5.5.4 Syntax: DATA");
            return true;
        }
        if (from == null) {
            reply(503, "5.5.1 Error: need MAIL command");
            return true;
        }
        if (recipients.isEmpty()) {
            reply(503, "5.5.1 Error: need RCPT command");
            return true;
        }
        reply(354, "End data with <CR><LF>.<CR><LF>");
        long max = server.settings().maxMessageBytes();
        ByteArrayOutputStream message = new ByteArrayOutputStream(4096);
        boolean tooBig = false;
        boolean lineTooLong = false;
        while (true) {
            Line line = readLine(MAX_TEXT_LINE);
            if (line == null) {
                return false;
            }
            byte[] bytes = line.bytes();
            if (line.tooLong()) {
                lineTooLong = true;
                continue;
            }
            if (bytes.length == 1 && bytes[0] == '.') {
                break;
            }
            int stuffed = bytes.length > 0 && bytes[0] == '.' ? 1 : 0; // RFC 5321 4.5.2: remove the added dot
            if (!tooBig && message.size() + bytes.length - stuffed + CRLF.length > max) {
                tooBig = true;
                message = new ByteArrayOutputStream(0); // read on to the end, keep nothing
            }
            if (!tooBig) {
                message.write(bytes, stuffed, bytes.length - stuffed);
                message.write(CRLF);
            }
        }
        long arrived = System.nanoTime();
        int code;
        String text;
        if (lineTooLong) {
            code = 500;
            text = "5.5.2 Error: line too long (a text line is at most 1000 octets)";
        } else if (tooBig) {
            code = 552;
            text = "5.3.4 Message size exceeds fixed limit";
        } else if (server.takeTemporaryFailure()) {
            code = 451;
            text = "4.3.0 Error: temporary failure, try again later";
        } else {
            code = 250;
            text = "2.0.0 Ok: queued as " + server.accept(from, recipients, message.toByteArray());
        }
        resetTransaction();
        // the simulated latency is the time to answer, counted from the final dot as a real server's is
        parkUntil(arrived + server.latency().toNanos());
        reply(code, text);
        return true;
    }

    /** {@code AUTH PLAIN} or {@code AUTH LOGIN} (RFC 4954); false when the client went away in the middle. */
    private boolean auth(String argument) throws IOException {
        if (!server.settings().authRequired()) {
            reply(502, "5.5.1 Error: authentication not enabled");
            return true;
        }
        if (!extended) {
            reply(503, "5.5.1 Error: send EHLO first");
            return true;
        }
        if (authenticated) {
            reply(503, "5.5.1 Error: already authenticated");
            return true;
        }
        if (from != null) {
            reply(503, "5.5.1 Error: MAIL transaction in progress");
            return true;
        }
        String[] words = argument.split(" +", 2);
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        String initial = words.length > 1 ? words[1].strip() : null;
        String username;
        String password;
        if (mechanism.equals("PLAIN")) {
            String response = initial != null ? initial : challenge("");
            String decoded = decode(response);
            String[] parts = decoded == null ? null : decoded.split("\0", -1);
            if (parts == null || parts.length != 3) {
                return failAuth(response);
            }
            username = parts[1];
            password = parts[2];
        } else if (mechanism.equals("LOGIN")) {
            String userResponse = initial != null ? initial : challenge("VXNlcm5hbWU6"); // "Username:"
            username = decode(userResponse);
            if (username == null) {
                return failAuth(userResponse);
            }
            String passwordResponse = challenge("UGFzc3dvcmQ6"); // "Password:"
            password = decode(passwordResponse);
            if (password == null) {
                return failAuth(passwordResponse);
            }
        } else {
            reply(504, "5.5.4 Unrecognized authentication type");
            return true;
        }
        if (username.equals(server.settings().username()) && password.equals(server.settings().password())) {
            authenticated = true;
            reply(235, "2.7.0 Authentication successful");
        } else {
            reply(535, "5.7.8 Error: authentication failed");
        }
        return true;
    }

    /** Answers an unusable AUTH response; false when the connection is gone (null response). */
    private boolean failAuth(String response) throws IOException {
        if (response == null) {
            return false;
        }
        if (response.equals("*")) {
            reply(501, "5.7.0 Authentication aborted");
        } else {
            reply(501, "5.5.2 Error: cannot decode response");
        }
        return true;
    }

    /** Sends a {@code 334} challenge and reads the client's answer; null when the connection closed. */
    private String challenge(String base64) throws IOException {
        reply(334, base64);
        Line line = readLine(MAX_COMMAND_LINE);
        return line == null ? null : line.text().strip();
    }

    /** Base64 to UTF-8 text; null for {@code *} (cancelled) or text that is not base64. */
    private static String decode(String response) {
        if (response == null || response.equals("*")) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * {@code FROM:<path> params} split into {@code [address, params]}; null when malformed. A space
     * after the colon is tolerated, as most servers do.
     */
    private static String[] path(String argument, String keyword) {
        if (!argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
            return null;
        }
        String rest = argument.substring(keyword.length()).stripLeading();
        int close = rest.indexOf('>');
        if (!rest.startsWith("<") || close < 0) {
            return null;
        }
        return new String[] {rest.substring(1, close), rest.substring(close + 1).strip()};
    }

    private static long declaredSize(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Parks to the deadline, as {@code SimulatorServer.simulateLatencyNanos} does for the HTTP
     * simulators ({@code Thread.sleep} would round to milliseconds); not shared, so this package
     * needs nothing of {@code org.holdshelf.sandbox} and no package cycle arises with {@code Sandbox}.
     */
    private static void parkUntil(long deadlineNanos) {
        for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return; // the server is closing
            }
        }
    }

    private void resetTransaction() {
        from = null;
        recipients.clear();
    }

    /**
     * One line, at most {@code limit} octets with its line ending; a longer one is read to its end
     * and flagged, so the dialogue stays in step. A bare LF ends a line too. Null at end of stream.
     */
    private Line readLine(int limit) throws IOException {
        lineBuffer.reset();
        int length = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                break;
            }
            length++;
            if (length + 1 <= limit) {
                lineBuffer.write(b);
            }
        }
        byte[] bytes = lineBuffer.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            bytes = Arrays.copyOf(bytes, bytes.length - 1);
        }
        return new Line(bytes, length + 1 > limit);
    }

    private void reply(int code, String text) throws IOException {
        replyLines(code, List.of(text));
    }

    /** A reply of one or more lines ({@code 250-...} then {@code 250 ...}), counted when it is a refusal. */
    private void replyLines(int code, List<String> lines) throws IOException {
        if (code >= 400) {
            server.refused(code);
        }
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            reply.append(code).append(i < lines.size() - 1 ? '-' : ' ').append(lines.get(i)).append("\r\n");
        }
        out.write(reply.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
