package org.holdshelf.directory;

/** A Libib mirror was asked for but did not start (or stopped early): one is running, or the mirror is stopped. */
public class MirrorNotStartedException extends RuntimeException {

    public MirrorNotStartedException(String message) {
        super(message);
    }
}
