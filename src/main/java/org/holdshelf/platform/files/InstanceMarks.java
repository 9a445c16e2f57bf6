package org.holdshelf.platform.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;

import org.holdshelf.events.Json;

/**
 * The instances that use a directory, each by a mark it leaves there:
 * {@code <dir>/.instances/<instance>.json} ({@code {"instance", "host", "startedAt"}}), written
 * whole ({@link AtomicFiles}) under a {@linkplain FileNames#safe safe name} and removed when the
 * instance stops cleanly. An instance that was killed leaves its mark behind: harmless, since a mark
 * only says that its instance, if it runs, sees this directory.
 */
public final class InstanceMarks {

    /** The folder of the marks, hidden among the run dates. */
    public static final String FOLDER = ".instances";

    /** One instance's mark. */
    public record Mark(String instance, String host, String startedAt) {
    }

    private final Path folder;
    private final Mark own;

    /** The marks in {@code dir}, this instance's being {@code instanceId}'s (written by {@link #write}). */
    public InstanceMarks(Path dir, String instanceId, Clock clock) {
        this.folder = dir.toAbsolutePath().normalize().resolve(FOLDER);
        String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        this.own = new Mark(instanceId, name.substring(name.indexOf('@') + 1), clock.instant().toString());
    }

    /** Where the marks are (absolute). */
    public Path folder() {
        return folder;
    }

    /** Leaves (or leaves again) this instance's mark. */
    public void write() {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + folder, e);
        }
        AtomicFiles.write(file(own.instance()), out -> out.write(Json.toBytes(own)));
    }

    /** Leaves this instance's mark again if it is gone (someone cleaned the directory), and says whether it had to. */
    public boolean restore() {
        if (Files.exists(file(own.instance()))) {
            return false;
        }
        write();
        return true;
    }

    /** Removes this instance's mark; a mark that cannot be removed is left (it is harmless). */
    public void remove() {
        try {
            Files.deleteIfExists(file(own.instance()));
        } catch (IOException ignored) {
            // a leftover mark only says that this instance saw the directory
        }
    }

    /** The instances whose marks are here now (this one's included, if written). */
    public Set<String> instances() {
        Set<String> instances = new TreeSet<>();
        try (DirectoryStream<Path> marks = Files.newDirectoryStream(folder, "*.json")) {
            for (Path mark : marks) {
                instances.add(instanceOf(mark));
            }
        } catch (NoSuchFileException e) {
            return instances;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + folder, e);
        }
        return instances;
    }

    /** The instance a mark names: from its content, or from its file name if it cannot be read. */
    private static String instanceOf(Path mark) {
        try {
            Mark m = Json.read(Files.readAllBytes(mark), Mark.class);
            if (m.instance() != null && !m.instance().isEmpty()) {
                return m.instance();
            }
        } catch (IOException | IllegalArgumentException e) {
            // removed meanwhile, or not a mark of ours: the name says whose it is
        }
        String file = mark.getFileName().toString();
        return FileNames.original(file.substring(0, file.length() - ".json".length()));
    }

    private Path file(String instanceId) {
        return folder.resolve(FileNames.safe(instanceId) + ".json");
    }
}
