package org.holdshelf;

import org.holdshelf.config.HoldshelfConfig;
import org.holdshelf.sandbox.Sandbox;

/** The pipeline together with the sandbox simulators it was pointed at, if any: started and stopped as one. */
final class Launch implements AutoCloseable {

    private final Sandbox sandbox;
    private final Holdshelf holdshelf;

    private Launch(Sandbox sandbox, Holdshelf holdshelf) {
        this.sandbox = sandbox;
        this.holdshelf = holdshelf;
    }

    static Launch start(HoldshelfConfig config, boolean withSandbox) {
        Sandbox sandbox = withSandbox ? Sandbox.start(config) : null;
        try {
            HoldshelfConfig effective = sandbox == null ? config : config.with(sandbox.configuration());
            return new Launch(sandbox, Holdshelf.start(effective));
        } catch (RuntimeException e) {
            if (sandbox != null) {
                sandbox.close();
            }
            throw e;
        }
    }

    Holdshelf holdshelf() {
        return holdshelf;
    }

    @Override
    public void close() {
        holdshelf.close();
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
