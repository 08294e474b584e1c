package org.otaplatform.contract.codec;

import java.util.Optional;

/** The fields every message carries: {@code msgId} and {@code ts}. */
record Header(Optional<String> msgId, long ts, Violations violations) {

    /** 9999-12-31T23:59:59.999Z: anything later is not a clock reading. */
    static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L;

    static Header read(JsonObjectReader r) {
        String msgId = r.string("msgId", Rule.MSG_ID, true);
        Long ts = r.integer("ts", 0, MAX_EPOCH_MILLIS, true);
        return new Header(Optional.ofNullable(msgId), ts == null ? 0 : ts, r.violations());
    }

    String msgIdValue() {
        return msgId.orElseThrow();
    }
}
