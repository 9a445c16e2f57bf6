package org.holdshelf.pulllists;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.holdshelf.platform.runtime.Health;

/**
 * Whether the instances reading pull lists share this instance's reports directory. A run's pull
 * lists are split between the members of the pull-lists consumer group (by partition) and complete
 * only when every location's file is in one directory, so they must share it
 * ({@code holdshelf.reports.dir}). Each instance leaves a mark in its reports directory before its
 * consumer joins the group; a live member whose mark is not in this directory writes its pull lists
 * elsewhere.
 *
 * <p>Each reading compares the group's members (their client ids name their instances,
 * {@link #CLIENT_ID_PREFIX}) with the marks present, the members read first: a member's mark was
 * written before it joined, so a mark missing then is missing for real. A member is reported only
 * when its mark is missing at two readings in a row, for a file system slow to show another
 * machine's new file (a network share's cache). Members whose client id names no instance (an
 * older version, a tool) are not checked.
 *
 * <p>Plain logic: the caller reads the members and the marks, logs the changes this returns, and
 * serves {@link #health()}.
 */
final class SharedReportsCheck {

    /** The pull-lists consumer's client id is this followed by its instance id ({@code routes/pull-lists.camel.yaml}). */
    static final String CLIENT_ID_PREFIX = "holdshelf-pull-lists@";

    /**
     * A change worth one log line: the directory turned out not to be shared (an error), it is
     * shared again, the check could not be made (a warning), or it can again.
     */
    record Change(Kind kind, String message) {
        enum Kind { NOT_SHARED, SHARED_AGAIN, UNCHECKED, CHECKED_AGAIN }
    }

    private final String self;
    private final Path reportsDir;
    private final String groupId;

    /** Members missing their mark at the last reading. */
    private Set<String> suspected = Set.of();
    /** Members missing their mark at two readings in a row: the problem reported. */
    private Set<String> missing = Set.of();
    private String detail = "not checked yet";
    private String uncheckedBecause;

    /**
     * @param self       this instance's id
     * @param reportsDir this instance's reports directory (shown as an absolute path)
     * @param groupId    the pull-lists consumer group
     */
    SharedReportsCheck(String self, Path reportsDir, String groupId) {
        this.self = self;
        this.reportsDir = reportsDir.toAbsolutePath().normalize();
        this.groupId = groupId;
    }

    /** The instance a member's client id names, if it is a pull-lists consumer's. */
    static Optional<String> instanceOf(String clientId) {
        if (clientId == null || !clientId.startsWith(CLIENT_ID_PREFIX) || clientId.length() == CLIENT_ID_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(clientId.substring(CLIENT_ID_PREFIX.length()));
    }

    /**
     * One reading.
     *
     * @param memberClientIds the client ids of the group's members, read before the marks
     * @param marks           the instances whose marks are in this reports directory
     * @return the change to log, if this reading changed what the check reports
     */
    synchronized Optional<Change> observe(Collection<String> memberClientIds, Set<String> marks) {
        Set<String> members = new TreeSet<>();
        int unnamed = 0;
        for (String clientId : memberClientIds) {
            Optional<String> instance = instanceOf(clientId);
            if (instance.isPresent()) {
                members.add(instance.get());
            } else {
                unnamed++;
            }
        }
        Set<String> missingNow = new TreeSet<>(members);
        missingNow.removeAll(marks);
        missingNow.remove(self); // its own mark is this instance's to keep (it leaves it again if it is gone)
        Set<String> confirmed = new TreeSet<>(missingNow);
        confirmed.retainAll(suspected);
        suspected = missingNow;

        Set<String> before = missing;
        missing = confirmed;
        boolean wasUnchecked = uncheckedBecause != null;
        uncheckedBecause = null;
        String others = unnamed == 0 ? "" : "; " + unnamed + " member(s) of the group name no instance (not checked)";
        if (!confirmed.isEmpty()) {
            detail = notShared(confirmed);
            boolean someoneNew = !before.containsAll(confirmed);
            return someoneNew ? Optional.of(new Change(Change.Kind.NOT_SHARED, detail)) : Optional.empty();
        }
        detail = "reports directory " + reportsDir + " shared by the instances reading pull lists ("
                + (members.isEmpty() ? "none in consumer group " + groupId + " yet" : String.join(", ", members)) + ")" + others;
        if (!before.isEmpty()) {
            return Optional.of(new Change(Change.Kind.SHARED_AGAIN, "Reports directory " + reportsDir
                    + " is shared again by every instance reading pull lists (" + String.join(", ", members) + ")"));
        }
        if (wasUnchecked) {
            return Optional.of(new Change(Change.Kind.CHECKED_AGAIN, "Reports directory check works again: " + detail));
        }
        return Optional.empty();
    }

    /**
     * A reading that could not be made (Kafka did not answer, the directory cannot be listed): what
     * was reported stands, and the first of a series is worth a warning.
     */
    synchronized Optional<Change> unchecked(String why) {
        boolean first = uncheckedBecause == null;
        uncheckedBecause = why;
        return first ? Optional.of(new Change(Change.Kind.UNCHECKED, "Cannot check that the instances reading pull lists "
                + "share the reports directory " + reportsDir + " (will try again): " + why)) : Optional.empty();
    }

    /** DOWN while a member of the group has left no mark in this reports directory. */
    synchronized Health health() {
        String name = "pull-lists";
        if (!missing.isEmpty()) {
            return Health.down(name, detail);
        }
        return Health.up(name, uncheckedBecause == null ? detail : detail + "; last check failed: " + uncheckedBecause);
    }

    /** The instances reported now (empty when the directory is shared). */
    synchronized Set<String> missing() {
        return missing;
    }

    private String notShared(Set<String> instances) {
        List<String> names = List.copyOf(instances);
        boolean one = names.size() == 1;
        return "Reports directory not shared: instance" + (one ? " " : "s ") + String.join(", ", names)
                + (one ? " reads" : " read") + " pull lists (consumer group " + groupId + ") but " + (one ? "has" : "have")
                + " left no mark in " + reportsDir + ", the reports directory of this instance (" + self + "): instances must "
                + "share one reports directory: holdshelf.reports.dir. Until they do, each writes only its own locations' "
                + "pull lists and no run gets its manifest.json or 'latest'";
    }
}
