package org.holdshelf.notices;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.http.RetryPolicy;
import org.holdshelf.platform.privacy.Mask;
import org.holdshelf.platform.runtime.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notice emails over SMTP with Jakarta Mail, keeping {@code holdshelf.notices.smtp.connections}
 * connections open across messages (camel-mail opens one per message, which costs a TCP and SMTP
 * handshake, and a TLS one with STARTTLS, for every notice).
 *
 * <p>Every message is multipart plain text and HTML, with {@code From}, {@code Reply-To},
 * {@code Auto-Submitted: auto-generated} and the notice's own {@code Message-ID}, and no other header
 * of the pipeline's. A temporary refusal (4xx) or a lost connection is retried on a new connection
 * with backoff; a permanent refusal (5xx) is an answer, returned with what the server said; a
 * server that stays unavailable throws {@link MailUnavailableException}, so the notices are tried
 * again later rather than lost. TLS certificates are verified (STARTTLS when configured), and the
 * password is never logged.
 */
final class MailSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailSender.class);

    /** One message to send; {@code to} is one address or several separated by commas. */
    record Mail(String messageId, String to, String subject, String text, String html) {
    }

    /** The server could not be reached or kept refusing for now; nothing was accepted for the message. */
    static final class MailUnavailableException extends Delivery.UnavailableException {
        MailUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Jakarta Mail 2.1 finds its {@code StreamProvider} with a {@code ServiceLoader} scan of the
     * class path on every body part, multipart and encoded header it creates (jakartaee/mail-api
     * issues 699 and 861): measured, half the CPU of sending a notice. Naming the implementation
     * turns each lookup into a loaded-class lookup. A value set by the operator is kept.
     */
    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    static {
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    private final NoticesSettings.Smtp smtp;
    private final Session session;
    private final InternetAddress from;
    private final InternetAddress[] replyTo;
    private final RetryPolicy retry;
    private final Clock clock;
    private final BlockingQueue<Transport> idle;
    private final ExecutorService workers;

    MailSender(NoticesSettings.Smtp smtp, Clock clock) {
        this.smtp = smtp;
        this.clock = clock;
        this.retry = new RetryPolicy(smtp.maxAttempts(), smtp.initialBackoff(), smtp.maxBackoff());
        Properties props = new Properties();
        props.put("mail.smtp.host", smtp.host());
        props.put("mail.smtp.port", String.valueOf(smtp.port()));
        props.put("mail.smtp.connectiontimeout", String.valueOf(smtp.timeout().toMillis()));
        props.put("mail.smtp.timeout", String.valueOf(smtp.timeout().toMillis()));
        props.put("mail.smtp.writetimeout", String.valueOf(smtp.timeout().toMillis()));
        props.put("mail.smtp.quitwait", "false");
        props.put("mail.smtp.auth", String.valueOf(smtp.username() != null));
        props.put("mail.smtp.starttls.enable", String.valueOf(smtp.starttls()));
        props.put("mail.smtp.starttls.required", String.valueOf(smtp.starttls()));
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        this.session = Session.getInstance(props);
        try {
            this.from = new InternetAddress(smtp.from(), true);
            this.replyTo = smtp.replyTo() == null ? null : InternetAddress.parse(smtp.replyTo(), true);
        } catch (AddressException e) {
            throw new ConfigurationException("Setting holdshelf.notices.from or .reply-to is not a valid address: " + e.getMessage());
        }
        props.put("mail.smtp.from", from.getAddress()); // the envelope sender: where bounces go
        this.idle = new ArrayBlockingQueue<>(smtp.connections());
        this.workers = Executors.newFixedThreadPool(smtp.connections(), DaemonThreads.named("smtp"));
    }

    /** Starts sending the message over an open connection and returns at once; the future has its answer. */
    Future<Delivery.Result> submit(Mail mail) {
        return workers.submit(() -> send(mail));
    }

    /** Sends one message on an open connection (opening one if needed), retrying temporary failures. */
    Delivery.Result send(Mail mail) throws InterruptedException {
        MimeMessage message = build(mail);
        for (int attempt = 1; ; attempt++) {
            Transport transport = null;
            String problem;
            Exception cause;
            try {
                transport = connection();
                transport.sendMessage(message, message.getAllRecipients());
                String reply = transport instanceof SMTPTransport t ? t.getLastServerResponse() : "accepted";
                idle.offer(transport);
                return Delivery.Result.sent(reply == null ? "" : reply.trim());
            } catch (AuthenticationFailedException e) {
                close(transport);
                throw new ConfigurationException("The SMTP server " + smtp.host() + ":" + smtp.port() + " refused the credentials "
                        + "of holdshelf.notices.smtp.username: " + e.getMessage());
            } catch (SendFailedException e) {
                int code = returnCode(e);
                if (code >= 500 || (code == -1 && e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0)) {
                    idle.offer(transport); // the connection is fine; this recipient or message is refused for good
                    return Delivery.Result.refused(serverReply(e));
                }
                problem = "refused for now: " + serverReply(e);
                cause = e;
                close(transport);
            } catch (MessagingException e) {
                problem = describe(e);
                cause = e;
                close(transport);
            }
            if (!retry.canRetry(attempt)) {
                throw new MailUnavailableException("SMTP " + smtp.host() + ":" + smtp.port() + " could not take the notice to "
                        + Mask.emails(mail.to()) + " after " + attempt + " attempts: " + problem, cause);
            }
            Duration wait = retry.delayBefore(attempt + 1, null);
            LOG.warn("SMTP {}:{} {}; retry {} of {} in {} ms", smtp.host(), smtp.port(), problem, attempt,
                    retry.maxAttempts() - 1, wait.toMillis());
            Thread.sleep(wait.toMillis());
        }
    }

    private Transport connection() throws MessagingException {
        Transport transport = idle.poll();
        if (transport != null && transport.isConnected()) {
            return transport;
        }
        close(transport);
        transport = session.getTransport("smtp");
        if (smtp.username() != null) {
            transport.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
        } else {
            transport.connect();
        }
        return transport;
    }

    private MimeMessage build(Mail mail) {
        try {
            MimeMessage message = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", mail.messageId()); // derived from the notice: a bounce finds its audit record
                }
            };
            message.setFrom(from);
            if (replyTo != null) {
                message.setReplyTo(replyTo);
            }
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(mail.to(), true));
            message.setSubject(mail.subject(), "UTF-8");
            message.setSentDate(Date.from(clock.instant()));
            message.setHeader("Auto-Submitted", "auto-generated");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(mail.text(), "UTF-8", "plain");
            text.setHeader("Content-Transfer-Encoding", transferEncoding(mail.text()));
            MimeBodyPart html = new MimeBodyPart();
            html.setText(mail.html(), "UTF-8", "html");
            html.setHeader("Content-Transfer-Encoding", transferEncoding(mail.html()));
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            message.setContent(alternative);
            message.saveChanges();
            return message;
        } catch (MessagingException e) {
            throw new IllegalArgumentException("Cannot build the notice email " + mail.messageId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code 7bit} for a body of ASCII lines that SMTP carries as they are (RFC 5322: at most 998
     * octets a line), else {@code quoted-printable}. Named up front, because Jakarta Mail would
     * otherwise encode each part once more only to choose, and a body sent as it is costs no
     * encoding at all.
     */
    static String transferEncoding(String body) {
        int lineLength = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c >= 128 || c == 0 || (c == '\r' && (i + 1 == body.length() || body.charAt(i + 1) != '\n'))) {
                return "quoted-printable";
            }
            lineLength = c == '\n' ? 0 : lineLength + 1;
            if (lineLength > 998) {
                return "quoted-printable";
            }
        }
        return "7bit";
    }

    private static int returnCode(SendFailedException e) {
        for (Exception next = e; next != null; next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException a) {
                return a.getReturnCode();
            }
            if (next instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
        }
        return -1;
    }

    /** What the server said, from the innermost SMTP exception. */
    private static String serverReply(MessagingException e) {
        String reply = e.getMessage();
        for (Exception next = e.getNextException(); next != null;
             next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException || next instanceof SMTPSendFailedException) {
                reply = next.getMessage();
            }
        }
        return reply == null ? "" : reply.replaceAll("\\s+", " ").trim();
    }

    private static String describe(MessagingException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IOException io) {
            return "unreachable: " + io.getClass().getSimpleName() + (io.getMessage() == null ? "" : " " + io.getMessage());
        }
        return "failed: " + serverReply(e);
    }

    private static void close(Transport transport) {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // a connection that is already broken: nothing to close
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        Transport t;
        while ((t = idle.poll()) != null) {
            close(t);
        }
    }
}
