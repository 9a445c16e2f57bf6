package org.holdshelf.sandbox.sierra;

import org.holdshelf.sandbox.sierra.FaultPlan.Kind;
import org.holdshelf.sandbox.sierra.FaultPlan.Rule;
import org.holdshelf.sandbox.sierra.FaultPlan.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultPlanTest {

    @Test
    void parsesTheDocumentedExample() {
        FaultPlan plan = FaultPlan.parse("503@3x2,429@5x1,html502@7x1,malformed@9,slow@4:3000ms,items:503@*x1");

        assertThat(plan.rules()).containsExactly(
                new Rule(Target.HOLDS, 3, Kind.HTTP_503, 2, 0),
                new Rule(Target.HOLDS, 5, Kind.HTTP_429, 1, 0),
                new Rule(Target.HOLDS, 7, Kind.HTML_502, 1, 0),
                new Rule(Target.HOLDS, 9, Kind.MALFORMED_JSON, FaultPlan.FOREVER, 0),
                new Rule(Target.HOLDS, 4, Kind.SLOW, FaultPlan.FOREVER, 3000),
                new Rule(Target.ITEMS, FaultPlan.ANY_PAGE, Kind.HTTP_503, 1, 0));
    }

    @Test
    void builderAndParserAgreeAndToStringRoundTrips() {
        FaultPlan built = FaultPlan.builder()
                .onHoldsPage(3, Kind.HTTP_503, 2)
                .slowHoldsPage(4, 250, FaultPlan.FOREVER)
                .onLookupCall(Target.BIBS, FaultPlan.ANY_PAGE, Kind.MALFORMED_JSON, 1)
                .build();

        assertThat(built.toString()).isEqualTo("503@3x2,slow@4x*:250ms,bibs:malformed@*x1");
        assertThat(FaultPlan.parse(built.toString())).isEqualTo(built);
        assertThat(FaultPlan.parse(" 503@3x2 , SLOW@4x*:250 , bibs:malformed@*x1 ")).isEqualTo(built);
    }

    @Test
    void blankMeansNoFaults() {
        assertThat(FaultPlan.parse("")).isEqualTo(FaultPlan.NONE);
        assertThat(FaultPlan.parse(null).isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"504@1", "503", "503@x2", "503@1x0", "slow@2", "503@1:100ms", "loans:503@1", "503@-1"})
    void rejectsBadRulesNamingThem(String rule) {
        assertThatThrownBy(() -> FaultPlan.parse("429@1," + rule))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(rule);
    }

    @Test
    void rulesMatchTheirTargetAndPage() {
        Rule onPage = new Rule(Target.HOLDS, 2, Kind.HTTP_503, 1, 0);
        Rule anyCall = new Rule(Target.ITEMS, FaultPlan.ANY_PAGE, Kind.HTTP_429, 1, 0);

        assertThat(onPage.matches(Target.HOLDS, 2)).isTrue();
        assertThat(onPage.matches(Target.HOLDS, 3)).isFalse();
        assertThat(onPage.matches(Target.ITEMS, 2)).isFalse();
        assertThat(anyCall.matches(Target.ITEMS, 12345)).isTrue();
        assertThat(anyCall.matches(Target.BIBS, 0)).isFalse();
    }
}
