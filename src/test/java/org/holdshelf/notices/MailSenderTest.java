package org.holdshelf.notices;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MailSenderTest {

    @Test
    void shouldSendAsciiBodiesAsTheyAreAndEncodeTheRest() {
        assertThat(MailSender.transferEncoding("Hello Ana,\nyour hold is ready.\r\n")).isEqualTo("7bit");
        assertThat(MailSender.transferEncoding("Bücher & Co")).isEqualTo("quoted-printable");
        assertThat(MailSender.transferEncoding("中文图书馆")).isEqualTo("quoted-printable");
        assertThat(MailSender.transferEncoding("a bare\rcarriage return")).isEqualTo("quoted-printable");
        assertThat(MailSender.transferEncoding("x".repeat(998) + "\n" + "y".repeat(998))).isEqualTo("7bit");
        assertThat(MailSender.transferEncoding("x".repeat(999))).as("longer than SMTP carries").isEqualTo("quoted-printable");
    }
}
