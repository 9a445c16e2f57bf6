package org.holdshelf.sandbox.sierra;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Sierra simulator for one test class: started before its first test, stopped after its last,
 * its counters reset before each test. Register it as a static field with {@code @RegisterExtension}.
 */
final class RunningSierra implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private final SierraSandboxSettings settings;
    private SierraSimulator simulator;
    private SierraTestClient client;
    private String token;

    RunningSierra(SierraSandboxSettings settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        simulator = new SierraSimulator(settings).start();
        client = new SierraTestClient(simulator);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        simulator.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        simulator.stats().reset();
    }

    SierraSimulator simulator() {
        return simulator;
    }

    SierraTestClient client() {
        return client;
    }

    HoldsDataSet data() {
        return simulator.dataSet();
    }

    /** A valid access token, requested on first use (token tests count the requests themselves). */
    String token() {
        if (token == null) {
            token = client.token();
        }
        return token;
    }
}
