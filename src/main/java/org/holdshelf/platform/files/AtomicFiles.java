package org.holdshelf.platform.files;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Files that appear whole or not at all: content goes to a hidden temporary file beside the
 * target, is forced to disk, and is renamed over the target. A reader never sees half a file,
 * and a crash leaves at most a hidden {@code .tmp} file that nothing mistakes for a report.
 */
public final class AtomicFiles {

    /** Writes a file's content to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, Content content) {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("Cannot write " + target, e);
        }
    }

    /** Removes the temporary files a crashed writer of {@code target} left behind. */
    public static void deleteStaleTemporaries(Path target) {
        String prefix = "." + target.getFileName() + ".";
        try (var siblings = Files.newDirectoryStream(target.getParent(), p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".tmp");
        })) {
            for (Path stale : siblings) {
                Files.deleteIfExists(stale);
            }
        } catch (IOException ignored) {
            // best effort: a leftover hidden temp file is harmless
        }
    }

    /** Deletes a file, or a directory and the files directly in it; a leftover is harmless, so errors are ignored. */
    public static void deleteQuietly(Path path) {
        try {
            if (Files.isDirectory(path)) {
                try (var files = Files.list(path)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // hidden temporary files only; never mistaken for a report
        }
    }
}
