package org.holdshelf.notices;

import org.holdshelf.sandbox.sms.SmsText;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SmsRouteTest} with the Twilio provider: the Messages API form with basic auth (the
 * gateway checks the account and token), and Twilio's codes.
 */
class SmsTwilioRouteTest extends SmsRouteTest {

    @Override
    String provider() {
        return NoticesSettings.Sms.TWILIO;
    }

    @Override
    void checkProviderFields(SmsText t) {
        assertThat(t.from()).isEqualTo("+15135550100");
        assertThat(t.noticeId()).as("Twilio has no idempotency key").isNull();
    }
}
