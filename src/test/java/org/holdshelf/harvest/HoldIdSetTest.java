package org.holdshelf.harvest;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HoldIdSetTest {

    @Test
    void shouldAgreeWithAHashSetWhileGrowing() {
        HoldIdSet ids = new HoldIdSet(4);
        Set<Long> reference = new HashSet<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long id = 1 + random.nextLong(150_000);
            assertThat(ids.add(id)).isEqualTo(reference.add(id));
        }
        assertThat(ids.size()).isEqualTo(reference.size());
    }

    @Test
    void shouldRefuseNonPositiveIds() {
        assertThatThrownBy(() -> new HoldIdSet(4).add(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
