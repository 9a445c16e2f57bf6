package org.holdshelf.pulllists;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.holdshelf.platform.runtime.Health;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether the members of the pull-lists group share this instance's reports directory, from the members and the marks. */
class SharedReportsCheckTest {

    private static final Path DIR = Path.of("/srv/holdshelf/reports");
    private static final String A = SharedReportsCheck.CLIENT_ID_PREFIX + "a";
    private static final String B = SharedReportsCheck.CLIENT_ID_PREFIX + "b";
    private static final String C = SharedReportsCheck.CLIENT_ID_PREFIX + "c";

    private final SharedReportsCheck check = new SharedReportsCheck("a", DIR, "holdshelf-pull-lists");

    @Test
    void shouldBeUpWhenEveryMemberLeftItsMark() {
        assertThat(check.observe(List.of(A, B), Set.of("a", "b"))).isEmpty();
        assertThat(check.observe(List.of(A, B), Set.of("a", "b"))).isEmpty();

        Health h = check.health();
        assertThat(h.up()).isTrue();
        assertThat(h.detail()).isEqualTo("reports directory /srv/holdshelf/reports shared by the instances reading pull lists (a, b)");
    }

    @Test
    void shouldReportAMemberWithoutItsMarkOnceItIsMissingTwiceInARow() {
        assertThat(check.observe(List.of(A, B), Set.of("a"))).as("a file system may show a new file late").isEmpty();
        assertThat(check.health().up()).isTrue();

        Optional<SharedReportsCheck.Change> change = check.observe(List.of(A, B), Set.of("a"));

        assertThat(change).get().extracting(SharedReportsCheck.Change::kind).isEqualTo(SharedReportsCheck.Change.Kind.NOT_SHARED);
        Health h = check.health();
        assertThat(h.up()).isFalse();
        assertThat(h.detail()).isEqualTo("Reports directory not shared: instance b reads pull lists (consumer group "
                + "holdshelf-pull-lists) but has left no mark in /srv/holdshelf/reports, the reports directory of this "
                + "instance (a): instances must share one reports directory: holdshelf.reports.dir. Until they do, each "
                + "writes only its own locations' pull lists and no run gets its manifest.json or 'latest'");
        assertThat(change.get().message()).isEqualTo(h.detail());
        assertThat(check.missing()).containsExactly("b");
    }

    @Test
    void shouldLogTheProblemOnceNotAtEveryCheck() {
        check.observe(List.of(A, B), Set.of("a"));
        assertThat(check.observe(List.of(A, B), Set.of("a"))).isPresent();

        assertThat(check.observe(List.of(A, B), Set.of("a"))).isEmpty();
        assertThat(check.observe(List.of(A, B), Set.of("a"))).isEmpty();
        assertThat(check.health().up()).isFalse();
    }

    @Test
    void shouldLogAgainWhenAnotherInstanceIsFoundNotSharingIt() {
        check.observe(List.of(A, B), Set.of("a"));
        check.observe(List.of(A, B), Set.of("a"));
        check.observe(List.of(A, B, C), Set.of("a"));

        Optional<SharedReportsCheck.Change> change = check.observe(List.of(A, B, C), Set.of("a"));

        assertThat(change).get().extracting(SharedReportsCheck.Change::message).asString()
                .startsWith("Reports directory not shared: instances b, c read pull lists").contains("but have left no mark");
    }

    @Test
    void shouldNotReportAMarkThatShowsUpAtTheNextCheck() {
        check.observe(List.of(A, B), Set.of("a"));

        assertThat(check.observe(List.of(A, B), Set.of("a", "b"))).isEmpty();
        assertThat(check.observe(List.of(A, B), Set.of("a"))).as("missing once again: the count starts over").isEmpty();
        assertThat(check.health().up()).isTrue();
    }

    @Test
    void shouldClearWhenTheMarkAppearsOrTheMemberLeaves() {
        check.observe(List.of(A, B), Set.of("a"));
        check.observe(List.of(A, B), Set.of("a"));

        Optional<SharedReportsCheck.Change> cleared = check.observe(List.of(A, B), Set.of("a", "b"));
        assertThat(cleared).get().extracting(SharedReportsCheck.Change::kind).isEqualTo(SharedReportsCheck.Change.Kind.SHARED_AGAIN);
        assertThat(cleared.get().message())
                .isEqualTo("Reports directory /srv/holdshelf/reports is shared again by every instance reading pull lists (a, b)");
        assertThat(check.health().up()).isTrue();

        check.observe(List.of(A, B), Set.of("a"));
        check.observe(List.of(A, B), Set.of("a"));
        assertThat(check.observe(List.of(A), Set.of("a"))).get().extracting(SharedReportsCheck.Change::kind)
                .isEqualTo(SharedReportsCheck.Change.Kind.SHARED_AGAIN);
        assertThat(check.health().up()).isTrue();
    }

    @Test
    void shouldNotCountItsOwnMarkNorMarksOfInstancesNotInTheGroup() {
        // its own mark is restored by the caller; a killed instance's mark stays behind
        check.observe(List.of(A), Set.of("old-instance"));
        assertThat(check.observe(List.of(A), Set.of("old-instance"))).isEmpty();
        assertThat(check.health().up()).isTrue();
        assertThat(check.observe(List.of(), Set.of())).isEmpty();
        assertThat(check.health().detail()).contains("none in consumer group holdshelf-pull-lists yet");
    }

    @Test
    void shouldLeaveOutMembersWhoseClientIdNamesNoInstance() {
        check.observe(List.of(A, "consumer-holdshelf-pull-lists-1", SharedReportsCheck.CLIENT_ID_PREFIX), Set.of("a"));

        assertThat(check.observe(List.of(A, "consumer-holdshelf-pull-lists-1", SharedReportsCheck.CLIENT_ID_PREFIX), Set.of("a")))
                .isEmpty();
        assertThat(check.health().up()).isTrue();
        assertThat(check.health().detail()).endsWith("(a); 2 member(s) of the group name no instance (not checked)");
    }

    @Test
    void shouldTellTheInstanceFromTheClientId() {
        assertThat(SharedReportsCheck.instanceOf(SharedReportsCheck.CLIENT_ID_PREFIX + "host-1/4242")).contains("host-1/4242");
        assertThat(SharedReportsCheck.instanceOf("consumer-group-1")).isEmpty();
        assertThat(SharedReportsCheck.instanceOf(null)).isEmpty();
    }

    @Test
    void shouldWarnOnceWhenItCannotCheckAndKeepWhatItReported() {
        check.observe(List.of(A, B), Set.of("a"));
        check.observe(List.of(A, B), Set.of("a"));

        assertThat(check.unchecked("Kafka did not answer")).get().extracting(SharedReportsCheck.Change::kind)
                .isEqualTo(SharedReportsCheck.Change.Kind.UNCHECKED);
        assertThat(check.unchecked("Kafka did not answer")).isEmpty();
        assertThat(check.health().up()).as("still not shared, as far as it knows").isFalse();

        assertThat(check.observe(List.of(A, B), Set.of("a", "b"))).get().extracting(SharedReportsCheck.Change::kind)
                .isEqualTo(SharedReportsCheck.Change.Kind.SHARED_AGAIN);
        check.unchecked("Kafka did not answer");
        assertThat(check.health().detail()).endsWith("; last check failed: Kafka did not answer");
        assertThat(check.observe(List.of(A, B), Set.of("a", "b"))).get().extracting(SharedReportsCheck.Change::kind)
                .isEqualTo(SharedReportsCheck.Change.Kind.CHECKED_AGAIN);
    }
}
