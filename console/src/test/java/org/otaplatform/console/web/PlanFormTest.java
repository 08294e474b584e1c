package org.otaplatform.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MultivaluedHashMap;
import org.junit.jupiter.api.Test;

class PlanFormTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void turnsWhatWasTypedIntoThePlanRequest() {
        var params = new MultivaluedHashMap<String, String>();
        params.add("name", " Spring ");
        params.add("sourceVersions", "1.0.0, 1.1.0 1.2.0");
        params.add("whitelist", "d1\nd2,d3");
        params.add("pushWindows", "02:00-05:00, 22:00 - 01:00");
        params.add("retry.maxAttempts", "3");
        params.add("maxConcurrentPerGateway", "2");
        params.add("pushActively", "true");
        params.add("upgradeNotes", "en: Faster\nde: Schneller: wirklich");
        var body = PlanForm.posted(params).body();
        assertThat(body.path("name").asText()).isEqualTo("Spring");
        assertThat(body.path("sourceVersions")).hasSize(3);
        assertThat(body.path("whitelist").toString()).isEqualTo("[\"d1\",\"d2\",\"d3\"]");
        assertThat(body.path("pushWindows").toString())
                .isEqualTo("[{\"from\":\"02:00\",\"to\":\"05:00\"},{\"from\":\"22:00\",\"to\":\"01:00\"}]");
        assertThat(body.path("retry").toString()).isEqualTo("{\"maxAttempts\":3}");
        assertThat(body.path("maxConcurrentPerGateway").asInt()).isEqualTo(2);
        assertThat(body.path("pushActively").asBoolean()).isTrue();
        assertThat(body.path("requireVerifiedFirmware").asBoolean()).isFalse();
        assertThat(body.path("upgradeNotes").path("de").asText()).isEqualTo("Schneller: wirklich");
        assertThat(body.has("firmwareId")).isFalse();
    }

    @Test
    void aPlanReadsBackIntoTheSameForm() throws Exception {
        var plan =
                JSON.readTree("{\"name\":\"a\",\"sourceVersions\":[\"1\",\"2\"],\"pushWindows\":[{\"from\":\"02:00\","
                        + "\"to\":\"05:00\"}],\"retry\":{\"maxAttempts\":3,\"backoffSeconds\":60},\"pushActively\":false,"
                        + "\"upgradeNotes\":{\"en\":\"x\"},\"rolloutPerMinute\":null}");
        PlanForm form = PlanForm.of(plan);
        assertThat(form.values())
                .containsEntry("sourceVersions", "1, 2")
                .containsEntry("pushWindows", "02:00-05:00")
                .containsEntry("retry.backoffSeconds", "60")
                .containsEntry("pushActively", "false")
                .containsEntry("upgradeNotes", "en: x")
                .containsEntry("rolloutPerMinute", "");
    }

    @Test
    void putsEachRefusalBesideTheFieldItBelongsTo() throws Exception {
        PlanForm form = PlanForm.blank(null, null);
        form.refused(JSON.readTree("{\"detail\":\"invalid\",\"errors\":["
                + "{\"field\":\"pushWindows[1].to\",\"message\":\"must be HH:mm\"},"
                + "{\"field\":\"upgradeNotes.fr\",\"message\":\"too long\"},"
                + "{\"field\":\"retry.maxAttempts\",\"message\":\"must be at least 1\"},"
                + "{\"field\":\"somethingNew\",\"message\":\"is odd\"}]}"));
        assertThat(form.errors())
                .containsEntry("pushWindows", "pushWindows[1].to: must be HH:mm")
                .containsEntry("upgradeNotes", "upgradeNotes.fr: too long")
                .containsEntry("retry.maxAttempts", "must be at least 1")
                .containsEntry("", "somethingNew: is odd");
    }

    @Test
    void aNoteWithoutItsLanguageIsNamed() {
        var params = new MultivaluedHashMap<String, String>();
        params.add("upgradeNotes", "just text");
        PlanForm form = PlanForm.posted(params);
        form.body();
        assertThat(form.errors()).containsKey("upgradeNotes");
    }
}
