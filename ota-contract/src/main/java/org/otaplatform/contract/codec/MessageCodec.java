package org.otaplatform.contract.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.message.DownlinkMessage;
import org.otaplatform.contract.message.UplinkMessage;

/**
 * Decodes and validates gateway protocol v1 payloads, and encodes messages. Decoding never throws
 * for bad input: it answers with the violations, each naming its field.
 */
public final class MessageCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private MessageCodec() {}

    /** The mapper the protocol uses: strict when reading, omits absent optional fields when writing. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static Decoded<UplinkMessage> decodeUplink(UplinkType type, byte[] payload) {
        return decode(payload, root -> UplinkDecoders.decode(type, root));
    }

    public static Decoded<DownlinkMessage> decodeDownlink(DownlinkType type, byte[] payload) {
        return decode(payload, root -> DownlinkDecoders.decode(type, root));
    }

    /** The JSON payload of any uplink or downlink message record. */
    public static byte[] encode(Object message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    private static <T> Decoded<T> decode(byte[] payload, Function<JsonObjectReader, Decoded<? extends T>> decoder) {
        if (payload == null || payload.length == 0) {
            return invalid(Optional.empty(), "payload", "must be a JSON object");
        }
        if (payload.length > Identifiers.MAX_PAYLOAD_BYTES) {
            return invalid(
                    Optional.empty(),
                    "payload",
                    "is " + payload.length + " bytes, over the limit of " + Identifiers.MAX_PAYLOAD_BYTES);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (IOException | RuntimeException e) {
            return invalid(Optional.empty(), "payload", "is not valid UTF-8 JSON");
        }
        if (root == null || !root.isObject()) {
            return invalid(Optional.empty(), "payload", "must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Decoded<T> result = (Decoded<T>) decoder.apply(new JsonObjectReader(root, "", new Violations()));
        return result;
    }

    private static <T> Decoded<T> invalid(Optional<String> msgId, String field, String message) {
        return new Decoded.Invalid<>(msgId, List.of(new Violation(field, message)));
    }
}
