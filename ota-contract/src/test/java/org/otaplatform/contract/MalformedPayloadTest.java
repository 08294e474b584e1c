package org.otaplatform.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.codec.Violation;

/**
 * Each case takes a golden sample, breaks one rule of the protocol with one edit, and expects the
 * payload refused with exactly that field named.
 */
class MalformedPayloadTest {

    private static final String REMOVE = "<remove>";

    /** sample, JSON pointer to edit, new JSON value (or REMOVE), the field the answer must name. */
    static Stream<Arguments> brokenUplinks() {
        return Stream.of(
                // every message: msgId and ts
                broken("hello", "/msgId", REMOVE, "msgId"),
                broken("hello", "/msgId", "\"\"", "msgId"),
                broken("hello", "/msgId", "\"" + "m".repeat(65) + "\"", "msgId"),
                broken("hello", "/msgId", "\"line\\nbreak\"", "msgId"),
                broken("hello", "/msgId", "42", "msgId"),
                broken("hello", "/ts", REMOVE, "ts"),
                broken("hello", "/ts", "\"1795680000000\"", "ts"),
                broken("hello", "/ts", "-1", "ts"),
                broken("hello", "/ts", "1.5", "ts"),
                broken("hello", "/ts", "123456789012345678901234567890", "ts"),
                broken("ack", "/ts", "null", "ts"),
                // hello
                broken("hello", "/gateway", REMOVE, "gateway"),
                broken("hello", "/gateway", "\"zb-gateway\"", "gateway"),
                broken("hello", "/gateway/productKey", "\"zb gateway\"", "gateway.productKey"),
                broken("hello", "/gateway/productKey", "\"" + "p".repeat(65) + "\"", "gateway.productKey"),
                broken("hello", "/gateway/productKey", "\"zb.gateway\"", "gateway.productKey"),
                broken("hello", "/gateway/version", REMOVE, "gateway.version"),
                broken("hello", "/subDevices", REMOVE, "subDevices"),
                broken("hello", "/subDevices", "{}", "subDevices"),
                broken("hello", "/subDevices/1", "\"bulb\"", "subDevices[1]"),
                broken("hello", "/subDevices/1/deviceKey", "\"has space\"", "subDevices[1].deviceKey"),
                broken("hello", "/subDevices/1/deviceKey", "\"" + "d".repeat(129) + "\"", "subDevices[1].deviceKey"),
                broken("hello", "/subDevices/1/deviceKey", "\"00:17:88:01:0a:1b:2c:3d\"", "subDevices[1]"),
                broken("hello", "/subDevices/2/productKey", "\"ble/lock\"", "subDevices[2].productKey"),
                broken("hello", "/subDevices/0/version", "\"\"", "subDevices[0].version"),
                broken("hello", "/subDevices/0/version", "\"" + "v".repeat(65) + "\"", "subDevices[0].version"),
                broken("hello", "/subDevices/0/version", "\"1.0\\u0007\"", "subDevices[0].version"),
                broken("hello", "/subDevices/0/online", "\"yes\"", "subDevices[0].online"),
                broken("hello", "/subDevices/0/hardwareRevision", "\"rev B\"", "subDevices[0].hardwareRevision"),
                broken(
                        "hello",
                        "/subDevices/0/hardwareRevision",
                        "\"" + "r".repeat(33) + "\"",
                        "subDevices[0].hardwareRevision"),
                broken("topology-signed", "/added/0/hardwareRevision", "7", "added[0].hardwareRevision"),
                broken("hello", "/subDevices/0/online", REMOVE, "subDevices[0].online"),
                // a sub-device's proof: an object of an integer timestamp and 64 lower-case hex digits
                broken("hello-signed", "/subDevices/0/auth", "\"sig\"", "subDevices[0].auth"),
                broken("hello-signed", "/subDevices/0/auth", "[]", "subDevices[0].auth"),
                broken("hello-signed", "/subDevices/0/auth/timestamp", REMOVE, "subDevices[0].auth.timestamp"),
                broken(
                        "hello-signed",
                        "/subDevices/0/auth/timestamp",
                        "\"1795680099000\"",
                        "subDevices[0].auth.timestamp"),
                broken("hello-signed", "/subDevices/0/auth/timestamp", "-5", "subDevices[0].auth.timestamp"),
                broken("hello-signed", "/subDevices/0/auth/timestamp", "1.5", "subDevices[0].auth.timestamp"),
                broken("hello-signed", "/subDevices/0/auth/sign", REMOVE, "subDevices[0].auth.sign"),
                broken("hello-signed", "/subDevices/0/auth/sign", "42", "subDevices[0].auth.sign"),
                broken(
                        "hello-signed",
                        "/subDevices/0/auth/sign",
                        "\"" + "a".repeat(63) + "\"",
                        "subDevices[0].auth.sign"),
                broken(
                        "hello-signed",
                        "/subDevices/0/auth/sign",
                        "\"" + "a".repeat(65) + "\"",
                        "subDevices[0].auth.sign"),
                broken(
                        "hello-signed",
                        "/subDevices/0/auth/sign",
                        "\"" + "A".repeat(64) + "\"",
                        "subDevices[0].auth.sign"),
                broken(
                        "hello-signed",
                        "/subDevices/0/auth/sign",
                        "\"" + "g".repeat(64) + "\"",
                        "subDevices[0].auth.sign"),
                broken("topology-signed", "/added/0/auth/sign", "\"not hex\"", "added[0].auth.sign"),
                broken("topology-signed", "/added/0/auth/timestamp", "true", "added[0].auth.timestamp"),
                // offline: optional fields still follow their rules
                broken("offline-with-id", "/msgId", "\"\"", "msgId"),
                broken("offline-with-id", "/ts", "\"now\"", "ts"),
                // topology
                broken("topology", "/added", "{}", "added"),
                broken("topology", "/added/0/version", REMOVE, "added[0].version"),
                broken("topology", "/removed/0/deviceKey", "\"lock 7\"", "removed[0].deviceKey"),
                broken("topology", "/removed/0", "[]", "removed[0]"),
                // status
                broken("status", "/subDevices", REMOVE, "subDevices"),
                broken("status", "/subDevices/0/online", "1", "subDevices[0].online"),
                broken("status", "/subDevices/1/deviceKey", "\"00:17:88:01:0a:1b:2c:3e\"", "subDevices[1]"),
                // version and request
                broken("version", "/version", REMOVE, "version"),
                broken("version", "/productKey", "\"\"", "productKey"),
                broken("version", "/deviceKey", "[]", "deviceKey"),
                broken("request", "/version", "3", "version"),
                broken("request", "/deviceKey", REMOVE, "deviceKey"),
                // ack
                broken("ack", "/taskId", REMOVE, "taskId"),
                broken("ack", "/taskId", "\"t 1\"", "taskId"),
                broken("ack", "/accept", REMOVE, "accept"),
                broken("ack", "/accept", "\"false\"", "accept"),
                broken("ack", "/reason", "\"" + "r".repeat(1025) + "\"", "reason"),
                // progress
                broken("progress", "/state", REMOVE, "state"),
                broken("progress", "/state", "\"INSTALLING\"", "state"),
                broken("progress", "/state", "\"succeeded\"", "state"),
                broken("progress", "/percent", "101", "percent"),
                broken("progress", "/percent", "-1", "percent"),
                broken("progress", "/percent", "50.5", "percent"),
                broken("progress", "/version", REMOVE, "version"),
                broken("progress-failed", "/error", REMOVE, "error"),
                broken("progress-failed", "/error/code", "\"EXPLODED\"", "error.code"),
                broken("progress-failed", "/error/code", REMOVE, "error.code"),
                broken("progress-failed", "/error", "\"LOW_BATTERY\"", "error"));
    }

    static Stream<Arguments> brokenDownlinks() {
        return Stream.of(
                broken("upgrade", "/taskId", REMOVE, "taskId"),
                broken("upgrade", "/ackTimeoutSeconds", "0", "ackTimeoutSeconds"),
                broken("upgrade", "/deadline", "\"tomorrow\"", "deadline"),
                broken("upgrade", "/firmware", REMOVE, "firmware"),
                broken("upgrade", "/firmware/type", "\"PATCH\"", "firmware.type"),
                broken("upgrade", "/firmware/sha256", "\"ABC\"", "firmware.sha256"),
                broken("upgrade", "/firmware/url", "\"ftp://x/y\"", "firmware.url"),
                broken("upgrade", "/firmware/size", "-5", "firmware.size"),
                broken("upgrade", "/firmware/signature", "\"not base64!\"", "firmware.signature"),
                broken("upgrade", "/conditions/minBatteryPercent", "150", "conditions.minBatteryPercent"),
                broken("upgrade", "/conditions/minSignalDbm", "20", "conditions.minSignalDbm"),
                broken("cancel", "/reason", REMOVE, "reason"),
                broken("reply", "/taskId", REMOVE, "taskId"),
                broken("reply", "/result", "\"MAYBE\"", "result"),
                broken("reply-no-upgrade", "/taskId", "\"t-1\"", "taskId"),
                broken("error", "/code", "\"TEAPOT\"", "code"),
                broken("error", "/message", REMOVE, "message"),
                broken("error-devices", "/devices/1/code", "\"GONE\"", "devices[1].code"),
                broken("error-devices", "/devices/0/deviceKey", "\"a b\"", "devices[0].deviceKey"));
    }

    @ParameterizedTest(name = "{0}: {1} = {2} is refused naming {3}")
    @MethodSource("brokenUplinks")
    void everyBrokenUplinkRuleIsRefusedWithItsField(String sample, String pointer, String value, String field)
            throws IOException {
        byte[] payload = edit(GoldenSamples.uplink(sample), pointer, value);

        Decoded<?> decoded = MessageCodec.decodeUplink(GoldenSamples.uplinkType(sample), payload);

        assertRefusedNaming(decoded, field);
    }

    @ParameterizedTest(name = "{0}: {1} = {2} is refused naming {3}")
    @MethodSource("brokenDownlinks")
    void everyBrokenDownlinkRuleIsRefusedWithItsField(String sample, String pointer, String value, String field)
            throws IOException {
        byte[] payload = edit(GoldenSamples.downlink(sample), pointer, value);

        Decoded<?> decoded = MessageCodec.decodeDownlink(GoldenSamples.downlinkType(sample), payload);

        assertRefusedNaming(decoded, field);
    }

    static Stream<Arguments> unreadablePayloads() {
        return Stream.of(
                Arguments.of("not json", "not json".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("empty", new byte[0]),
                Arguments.of("array", "[1,2]".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("string", "\"hello\"".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("null", "null".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("truncated", "{\"msgId\":\"m\",".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("trailing garbage", "{\"msgId\":\"m\",\"ts\":1} {}".getBytes(StandardCharsets.UTF_8)),
                Arguments.of(
                        "duplicate key", "{\"msgId\":\"a\",\"msgId\":\"b\",\"ts\":1}".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("comment", "{/*x*/\"msgId\":\"m\",\"ts\":1}".getBytes(StandardCharsets.UTF_8)),
                Arguments.of(
                        "invalid utf-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
                Arguments.of("oversize", oversize()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadablePayloads")
    void unreadablePayloadsAreRefusedAsAWhole(String name, byte[] payload) {
        for (UplinkType type : UplinkType.values()) {
            assertRefusedNaming(MessageCodec.decodeUplink(type, payload), "payload");
        }
    }

    @Test
    void aPayloadOfExactlySixtyFourKibibytesIsAccepted() {
        String prefix =
                "{\"msgId\":\"m1\",\"ts\":1,\"productKey\":\"p\",\"deviceKey\":\"d\",\"version\":\"1\",\"pad\":\"";
        String suffix = "\"}";
        String pad = "x".repeat(Identifiers.MAX_PAYLOAD_BYTES - prefix.length() - suffix.length());
        byte[] payload = (prefix + pad + suffix).getBytes(StandardCharsets.UTF_8);

        assertThat(payload).hasSize(Identifiers.MAX_PAYLOAD_BYTES);
        assertThat(MessageCodec.decodeUplink(UplinkType.VERSION, payload).isValid())
                .isTrue();
    }

    @Test
    void theRefusalKeepsTheMsgIdForTheErrorReply() throws IOException {
        byte[] payload = edit(GoldenSamples.uplink("ack"), "/accept", "\"yes\"");

        Decoded<?> decoded = MessageCodec.decodeUplink(UplinkType.ACK, payload);

        assertThat(((Decoded.Invalid<?>) decoded).msgId()).contains("gw-0001-000022");
    }

    @Test
    void everyFieldAtFaultIsNamedNotOnlyTheFirst() {
        byte[] payload = "{\"msgId\":\"m\",\"ts\":1,\"productKey\":\"a b\",\"deviceKey\":\"\",\"version\":7}"
                .getBytes(StandardCharsets.UTF_8);

        Decoded.Invalid<?> invalid = (Decoded.Invalid<?>) MessageCodec.decodeUplink(UplinkType.REQUEST, payload);

        assertThat(invalid.violations())
                .extracting(Violation::field)
                .containsExactly("productKey", "deviceKey", "version");
        assertThat(invalid.summary()).contains("productKey: must be 1–64 characters of [A-Za-z0-9_-]");
    }

    private static void assertRefusedNaming(Decoded<?> decoded, String field) {
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        assertThat(((Decoded.Invalid<?>) decoded).violations())
                .extracting(Violation::field)
                .containsExactly(field);
    }

    private static Arguments broken(String sample, String pointer, String value, String field) {
        return Arguments.of(sample, pointer, value, field);
    }

    private static byte[] oversize() {
        String body = "{\"msgId\":\"m\",\"ts\":1,\"pad\":\"" + "x".repeat(Identifiers.MAX_PAYLOAD_BYTES) + "\"}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] edit(byte[] golden, String pointer, String value) throws IOException {
        JsonNode root = MessageCodec.mapper().readTree(golden);
        JsonPointer path = JsonPointer.compile(pointer);
        JsonNode parent = root.at(path.head());
        String last = path.last().getMatchingProperty();
        Optional<JsonNode> replacement = REMOVE.equals(value)
                ? Optional.empty()
                : Optional.of(MessageCodec.mapper().readTree(value));
        if (parent instanceof ObjectNode object) {
            replacement.ifPresentOrElse(v -> object.set(last, v), () -> object.remove(last));
        } else if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last);
            replacement.ifPresentOrElse(v -> array.set(index, v), () -> array.remove(index));
        } else {
            throw new IllegalArgumentException("cannot edit " + pointer);
        }
        return MessageCodec.encode(root);
    }
}
