package org.holdshelf.ops;

import java.util.Map;

import org.holdshelf.platform.config.ConfigurationException;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The endpoint's settings: a token wherever the network can reach it, and errors that name the keys. */
class OpsSettingsTest {

    private static OpsSettings settings(Map<String, String> values) {
        return OpsSettings.from(HoldshelfConfig.resolve(HoldshelfConfig.classpathDefaults(), null, Map.of(), Map.of()).with(values));
    }

    @Test
    void shouldListenOnLoopbackWithoutATokenByDefault() {
        OpsSettings s = settings(Map.of());
        assertThat(s.enabled()).isTrue();
        assertThat(s.bind()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.token()).isEmpty();
    }

    @Test
    void shouldRefuseANonLoopbackAddressWithoutAToken() {
        assertThatThrownBy(() -> settings(Map.of("holdshelf.ops.bind", "0.0.0.0"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holdshelf.ops.bind").hasMessageContaining("holdshelf.ops.token")
                .hasMessageContaining("HOLDSHELF_OPS_TOKEN");
        assertThat(settings(Map.of("holdshelf.ops.bind", "0.0.0.0", "holdshelf.ops.token", "0123456789abcdef0123")).bind())
                .isEqualTo("0.0.0.0");
        assertThat(settings(Map.of("holdshelf.ops.bind", "0.0.0.0", "holdshelf.ops.enabled", "false")).enabled()).isFalse();
        assertThat(settings(Map.of("holdshelf.ops.bind", "::1")).token()).isEmpty();
    }

    @Test
    void shouldRefuseAWeakTokenWithoutShowingIt() {
        assertThatThrownBy(() -> settings(Map.of("holdshelf.ops.token", "hunter2"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holdshelf.ops.token").hasMessageContaining("16").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.ops.token", "with spaces in the token")))
                .isInstanceOf(ConfigurationException.class);
        assertThat(settings(Map.of("holdshelf.ops.token", "0123456789abcdef0123")).toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void shouldNameABadPortOrAddress() {
        assertThatThrownBy(() -> settings(Map.of("holdshelf.ops.port", "70000"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holdshelf.ops.port");
        assertThatThrownBy(() -> settings(Map.of("holdshelf.ops.bind", "no-such-host.invalid")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holdshelf.ops.bind");
        assertThat(settings(Map.of("holdshelf.ops.port", "0")).port()).isZero();
    }
}
