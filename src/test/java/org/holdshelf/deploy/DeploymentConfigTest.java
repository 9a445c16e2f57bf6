package org.holdshelf.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker cannot run on the build machines, so the deployment files are checked against the
 * configuration contract instead: every variable they set is a real setting, the settings every
 * deployment needs are there, secrets are never written into the file, and the pieces agree.
 */
class DeploymentConfigTest {

    private static JsonNode compose;
    private static Map<String, String> environment;
    private static Set<String> knownVariables;

    @BeforeAll
    static void read() throws Exception {
        compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile());
        environment = new ObjectMapper().convertValue(compose.path("services").path("holdshelf").path("environment"),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
        knownVariables = new HashSet<>();
        for (String key : HoldshelfConfig.classpathDefaults().keySet()) {
            knownVariables.add(HoldshelfConfig.envName(key));
        }
        knownVariables.add("JAVA_OPTS");
    }

    @Test
    void shouldSetOnlyVariablesThatAreSettings() {
        assertThat(environment.keySet()).allSatisfy(name -> assertThat(knownVariables).as("%s is a setting", name).contains(name));
    }

    @Test
    void shouldSetEverySettingADeploymentNeeds() {
        assertThat(environment).containsKeys("CAMEL_COMPONENT_KAFKA_BROKERS", "HOLDSHELF_SIERRA_BASE_URL",
                "HOLDSHELF_SIERRA_CLIENT_KEY", "HOLDSHELF_SIERRA_CLIENT_SECRET", "HOLDSHELF_TIMEZONE", "HOLDSHELF_HARVEST_CRON",
                "HOLDSHELF_REPORTS_DIR", "HOLDSHELF_ALMA_ENABLED", "HOLDSHELF_ALMA_BASE_URL", "HOLDSHELF_ALMA_API_KEY",
                "HOLDSHELF_ALMA_LIBRARY", "HOLDSHELF_ALMA_CIRC_DESK", "HOLDSHELF_ALMA_CALLS_PER_SECOND", "HOLDSHELF_ALMA_DRY_RUN");
    }

    @Test
    void shouldTakeSecretsAndSiteValuesFromTheEnvironmentNeverFromTheFile() {
        Pattern reference = Pattern.compile("\\$\\{[A-Z0-9_]+(:[?-][^}]*)?}");
        environment.forEach((name, value) -> {
            if (HoldshelfConfig.isSecret(name.toLowerCase().replace('_', '-')) || name.contains("SECRET") || name.contains("KEY")) {
                assertThat(value).as("%s comes from the environment", name).matches(reference);
                assertThat(value).as("%s has no default value written here", name).doesNotMatch(".*:-[^}]+}.*");
            }
        });
        assertThat(environment.get("HOLDSHELF_SIERRA_BASE_URL")).matches(reference);
    }

    @Test
    void shouldPointThePipelineAtTheComposedBroker() {
        String brokers = environment.get("CAMEL_COMPONENT_KAFKA_BROKERS");
        String advertised = compose.path("services").path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        Matcher listener = Pattern.compile("PLAINTEXT://([^,]+)").matcher(advertised);
        assertThat(listener.find()).isTrue();
        assertThat(brokers).isEqualTo(listener.group(1));
        assertThat(compose.path("services").path("holdshelf").path("depends_on").has("kafka")).isTrue();
    }

    @Test
    void shouldPublishTheOperatorsEndpointWithItsTokenAndCheckItsHealth() {
        JsonNode service = compose.path("services").path("holdshelf");
        String port = environment.get("HOLDSHELF_OPS_PORT");
        assertThat(environment.get("HOLDSHELF_OPS_BIND")).as("reachable from outside the container").isEqualTo("0.0.0.0");
        assertThat(environment.get("HOLDSHELF_OPS_TOKEN")).as("a token is required off loopback").startsWith("${HOLDSHELF_OPS_TOKEN:?");
        assertThat(service.path("ports").toString()).contains(":" + port);
        assertThat(service.path("healthcheck").path("test").toString()).contains("http://127.0.0.1:" + port + "/q/health");
    }

    @Test
    void shouldShipTheRoutesWhereTheApplicationLooksForThemAndPersistTheReports() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(HoldshelfConfig.classpathDefaults().get("holdshelf.routes.dir")).isEqualTo("routes");
        assertThat(dockerfile).contains("WORKDIR /app").contains("COPY routes /app/routes")
                .contains("COPY --from=build /src/target/lib /app/lib");
        String reportsDir = environment.get("HOLDSHELF_REPORTS_DIR");
        assertThat(compose.path("services").path("holdshelf").path("volumes").toString()).contains(":" + reportsDir);
        assertThat(dockerfile).contains("VOLUME [\"" + reportsDir + "\"]");
    }

    /**
     * The two-instance example: the second instance is the first one (same settings, same shared
     * reports volume, inherited by extends) with its own instance id and operators' port.
     */
    @Test
    void shouldRunTwoInstancesThatDifferOnlyInNameAndPort() throws Exception {
        JsonNode two = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.two-instances.yml").toFile());
        JsonNode first = two.path("services").path("holdshelf");
        JsonNode second = two.path("services").path("holdshelf-2");
        assertThat(second.path("extends").path("file").asText()).isEqualTo("docker-compose.yml");
        assertThat(second.path("extends").path("service").asText()).isEqualTo("holdshelf");
        String one = first.path("environment").path("HOLDSHELF_INSTANCE_ID").asText();
        String other = second.path("environment").path("HOLDSHELF_INSTANCE_ID").asText();
        assertThat(one).isNotBlank();
        assertThat(other).isNotBlank().isNotEqualTo(one);
        assertThat(HoldshelfConfig.classpathDefaults()).containsKey("holdshelf.instance-id");
        assertThat(second.path("ports").toString()).contains(":" + environment.get("HOLDSHELF_OPS_PORT"))
                .doesNotContain(compose.path("services").path("holdshelf").path("ports").get(0).asText());
        assertThat(second.has("volumes")).as("the reports volume comes with extends: one directory for both").isFalse();
    }
}
