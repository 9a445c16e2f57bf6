package org.holdshelf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's launcher ({@code HoldshelfApplication}, service mode) in a separate JVM with the
 * test's class path and settings as {@code -D} properties, so a test can kill it for real.
 */
public final class ChildPipeline implements AutoCloseable {

    private final Process process;

    private ChildPipeline(Process process) {
        this.process = process;
    }

    public static ChildPipeline start(Map<String, String> settings, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("org.holdshelf.app.HoldshelfApplication");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Path.of(System.getProperty("user.dir")).toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("HOLDSHELF_") || k.startsWith("CAMEL_"));
        try {
            return new ChildPipeline(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the child JVM", e);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM to every child at once, then waits for each graceful stop (as {@link #close()}). */
    public static void closeAll(java.util.Collection<ChildPipeline> children) throws InterruptedException {
        List<Thread> stopping = new ArrayList<>();
        for (ChildPipeline child : children) {
            Thread t = new Thread(() -> {
                try {
                    child.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-child");
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            t.join();
        }
    }

    /** SIGTERM, then wait for the graceful stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
