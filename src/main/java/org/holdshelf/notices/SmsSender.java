package org.holdshelf.notices;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.holdshelf.platform.http.RetryAfter;
import org.holdshelf.platform.http.RetryPolicy;
import org.holdshelf.platform.runtime.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notice texts through the SMS gateway, {@code holdshelf.notices.sms.concurrency} at once,
 * each a call of {@code routes/sms.camel.yaml} (camel-http, its own retries off). A 429 or a 5xx
 * is asked again with the one retry policy's backoff (Retry-After honoured); an opted-out number
 * and any other refusal are answers; a gateway that stays unavailable, or refuses the credentials,
 * throws {@link SmsUnavailableException}: those texts wait, the emails do not. After one text gave
 * up, the gateway counts as down for {@code max-backoff}, and the texts behind it give up at once
 * instead of each waiting out the whole backoff.
 */
final class SmsSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmsSender.class);

    /** One call of the gateway route. */
    @FunctionalInterface
    interface Call {
        SmsGateway.Reply post(SmsGateway.Text text) throws Exception;
    }

    /** The gateway could not take texts for now (down, throttling, or refusing the credentials). */
    static final class SmsUnavailableException extends Delivery.UnavailableException {
        SmsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SmsGateway gateway;
    private final Call call;
    private final RetryPolicy retry;
    private final Clock clock;
    private final ExecutorService workers;
    private volatile long downUntilNanos;
    private volatile String downBecause;
    private volatile boolean credentialsRefused;
    private volatile String lastSent;

    SmsSender(NoticesSettings.Sms sms, SmsGateway gateway, Call call, Clock clock) {
        this.gateway = gateway;
        this.call = call;
        this.clock = clock;
        this.retry = new RetryPolicy(sms.maxAttempts(), sms.initialBackoff(), sms.maxBackoff());
        this.workers = Executors.newFixedThreadPool(sms.concurrency(), DaemonThreads.named("sms"));
    }

    /** Starts sending the text and returns at once; the future has the gateway's answer. */
    Future<Delivery.Result> submit(SmsGateway.Text text) {
        return workers.submit(() -> send(text));
    }

    Delivery.Result send(SmsGateway.Text text) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            String down = downBecause;
            if (down != null && System.nanoTime() < downUntilNanos) {
                throw new SmsUnavailableException("the SMS gateway is unavailable: " + down, null);
            }
            SmsGateway.Verdict verdict;
            Duration retryAfter = null;
            Exception cause = null;
            try {
                SmsGateway.Reply reply = call.post(text);
                verdict = gateway.verdict(reply);
                retryAfter = reply.retryAfter() == null ? null : RetryAfter.parse(reply.retryAfter(), clock);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                cause = e;
                verdict = new SmsGateway.Verdict(SmsGateway.Kind.RETRY, "no answer: " + describe(e));
            }
            switch (verdict.kind()) {
                case SENT:
                    downBecause = null;
                    credentialsRefused = false;
                    lastSent = clock.instant().toString();
                    return Delivery.Result.sent(verdict.said());
                case OPTED_OUT:
                    return Delivery.Result.optedOut(verdict.said());
                case REFUSED:
                    return Delivery.Result.refused(verdict.said());
                case CREDENTIALS:
                    credentialsRefused = true;
                    giveUp("it refuses the credentials (holdshelf.notices.sms.auth-token / webhook-token): " + verdict.said());
                    throw new SmsUnavailableException("the SMS gateway refuses the credentials: " + verdict.said(), null);
                default:
                    break;
            }
            if (!retry.canRetry(attempt)) {
                giveUp(verdict.said() + " after " + attempt + " attempts");
                throw new SmsUnavailableException("the SMS gateway is unavailable: " + verdict.said() + " after " + attempt
                        + " attempts", cause);
            }
            Duration wait = retry.delayBefore(attempt + 1, retryAfter);
            LOG.warn("SMS gateway: {} for notice {}; retry {} of {} in {} ms", verdict.said(), text.noticeId(), attempt,
                    retry.maxAttempts() - 1, wait.toMillis());
            Thread.sleep(wait.toMillis());
        }
    }

    private void giveUp(String why) {
        if (downBecause == null || System.nanoTime() >= downUntilNanos) {
            LOG.warn("SMS gateway unavailable: {}; texts wait, tried again in {} s", why, retry.maxBackoff().toSeconds());
        }
        downBecause = why;
        downUntilNanos = System.nanoTime() + retry.maxBackoff().toNanos();
    }

    /**
     * For {@code /q/health}: down while the gateway refuses the credentials (nothing gets through
     * until an operator fixes them); up otherwise, saying when it was last unavailable (texts wait
     * meanwhile, emails go on).
     */
    org.holdshelf.platform.runtime.Health health() {
        String down = downBecause;
        if (credentialsRefused && down != null) {
            return org.holdshelf.platform.runtime.Health.down("sms", "the SMS gateway refuses the credentials: " + down);
        }
        String detail = (down != null ? "unavailable (texts wait): " + down + "; " : "")
                + (lastSent == null ? "no text sent yet" : "last text accepted at " + lastSent);
        return org.holdshelf.platform.runtime.Health.up("sms", detail);
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + SmsGateway.maskNumbers(message));
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
