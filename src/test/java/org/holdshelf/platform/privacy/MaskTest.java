package org.holdshelf.platform.privacy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MaskTest {

    @Test
    void shouldShowOnlyWhatStaffNeedToRecogniseAnAddress() {
        assertThat(Mask.email("patron42@example.org")).isEqualTo("p***@example.org");
        assertThat(Mask.email(" Ada@Example.org ")).isEqualTo("A***@Example.org");
        assertThat(Mask.emails("a1@example.org, b2@example.net,")).as("a notice to several addresses")
                .isEqualTo("a***@example.org, b***@example.net");
        assertThat(Mask.emails(null)).isEmpty();
        assertThat(Mask.email("not-an-address")).isEqualTo("***");
        assertThat(Mask.email(null)).isEmpty();
        assertThat(Mask.phone("(513) 555-0123")).isEqualTo("***-***-0123");
        assertThat(Mask.phone("12")).isEqualTo("***");
    }
}
