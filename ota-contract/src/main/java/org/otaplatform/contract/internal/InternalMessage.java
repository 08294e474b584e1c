package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.otaplatform.contract.codec.MessageCodec;

/**
 * The envelope of every message on the internal topics. {@code id} is assigned once by the producer
 * (and kept when a message is published again), so consumers de-duplicate by it; {@code type} says
 * what {@code data} holds; {@code occurredAt} is epoch milliseconds.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InternalMessage(String id, String type, long occurredAt, String source, JsonNode data) {

    public static InternalMessage of(String type, String source, long occurredAt, Object data) {
        return new InternalMessage(
                UUID.randomUUID().toString(),
                type,
                occurredAt,
                source,
                MessageCodec.mapper().valueToTree(data));
    }

    public byte[] encode() {
        return MessageCodec.encode(this);
    }

    /** The envelope in {@code payload}, or empty when it is not one. */
    public static Optional<InternalMessage> decode(byte[] payload) {
        try {
            InternalMessage message = MessageCodec.mapper().readValue(payload, InternalMessage.class);
            if (message.id() == null || message.type() == null || message.data() == null) {
                return Optional.empty();
            }
            return Optional.of(message);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code data} read as {@code type}; empty when it does not fit. */
    public <T> Optional<T> dataAs(Class<T> type) {
        try {
            return Optional.ofNullable(MessageCodec.mapper().treeToValue(data, type));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
