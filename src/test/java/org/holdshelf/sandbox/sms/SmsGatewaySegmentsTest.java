package org.holdshelf.sandbox.sms;

import org.holdshelf.sandbox.sms.SegmentCount.Encoding;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Segment counting (api-facts 7.3): GSM-7 160/153 with extension characters taking two, else UCS-2 70/67. */
class SmsGatewaySegmentsTest {

    private static String a(int n) {
        return "a".repeat(n);
    }

    @Test
    void gsm7TextsTake160InOneSegmentAnd153APart() {
        assertThat(SegmentCount.of("Your hold is ready at Main Library: pick up by 12/05. Reply STOP to end."))
                .isEqualTo(new SegmentCount(Encoding.GSM7, 72, 1));
        assertThat(SegmentCount.of(a(160))).isEqualTo(new SegmentCount(Encoding.GSM7, 160, 1));
        assertThat(SegmentCount.of(a(161))).isEqualTo(new SegmentCount(Encoding.GSM7, 161, 2));
        assertThat(SegmentCount.segments(a(306))).isEqualTo(2);
        assertThat(SegmentCount.segments(a(307))).isEqualTo(3);
        assertThat(SegmentCount.segments(a(459))).isEqualTo(3);
        assertThat(SegmentCount.segments(a(460))).isEqualTo(4);
        assertThat(SegmentCount.of("")).isEqualTo(new SegmentCount(Encoding.GSM7, 0, 1));
    }

    @Test
    void theBasicTablesAccentsAndSymbolsStayGsm7() {
        String basic = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n\r";
        assertThat(SegmentCount.of(basic).encoding()).isEqualTo(Encoding.GSM7);
        assertThat(SegmentCount.of(basic).units()).isEqualTo(basic.length());
        assertThat(SegmentCount.isGsm7("Recogida en Biblioteca Central: ¡listo!")).isTrue();
    }

    @Test
    void extensionCharactersTakeTwoSeptets() {
        assertThat(SegmentCount.of("€")).isEqualTo(new SegmentCount(Encoding.GSM7, 2, 1));
        assertThat(SegmentCount.of("{}[]~|^\\\f€").units()).isEqualTo(20);
        assertThat(SegmentCount.of("{" + a(158))).isEqualTo(new SegmentCount(Encoding.GSM7, 160, 1));
        assertThat(SegmentCount.of("{" + a(159))).isEqualTo(new SegmentCount(Encoding.GSM7, 161, 2));
        assertThat(SegmentCount.of("€".repeat(80))).isEqualTo(new SegmentCount(Encoding.GSM7, 160, 1));
        assertThat(SegmentCount.of("€".repeat(81))).isEqualTo(new SegmentCount(Encoding.GSM7, 162, 2));
    }

    @Test
    void anExtensionCharacterIsNotSplitAcrossSegments() {
        // 306 septets would fit two parts of 153, but the euro sign at septets 153-154 moves to the second
        assertThat(SegmentCount.of(a(152) + "€" + a(152))).isEqualTo(new SegmentCount(Encoding.GSM7, 306, 3));
        assertThat(SegmentCount.of(a(151) + "€" + a(153))).isEqualTo(new SegmentCount(Encoding.GSM7, 306, 2));
    }

    @Test
    void oneCurlyQuoteOrEmojiForcesUcs2With70And67() {
        assertThat(SegmentCount.isGsm7("Don’t forget")).isFalse();
        assertThat(SegmentCount.of("Don’t forget")).isEqualTo(new SegmentCount(Encoding.UCS2, 12, 1));
        assertThat(SegmentCount.of("’" + a(69))).isEqualTo(new SegmentCount(Encoding.UCS2, 70, 1));
        assertThat(SegmentCount.of("’" + a(70))).isEqualTo(new SegmentCount(Encoding.UCS2, 71, 2));
        assertThat(SegmentCount.segments("’" + a(133))).isEqualTo(2);
        assertThat(SegmentCount.segments("’" + a(134))).isEqualTo(3);
        assertThat(SegmentCount.of("Ready 📚")).isEqualTo(new SegmentCount(Encoding.UCS2, 8, 1));
        assertThat(SegmentCount.of("“" + a(159) + "”").segments()).as("GSM-length text, but UCS-2").isEqualTo(3);
    }

    @Test
    void anEmojiIsNotSplitAcrossSegments() {
        // 134 units would fit two parts of 67, but the emoji at units 67-68 moves to the second
        assertThat(SegmentCount.of(a(65) + "’😀" + a(66))).isEqualTo(new SegmentCount(Encoding.UCS2, 134, 3));
        assertThat(SegmentCount.of(a(66) + "’😀" + a(65))).isEqualTo(new SegmentCount(Encoding.UCS2, 134, 2));
    }
}
