package org.otaplatform.contract.message;

/** Last will or clean shutdown. The last will is usually {@code {}}, so both fields may be null. */
public record Offline(String msgId, Long ts) implements UplinkMessage {}
