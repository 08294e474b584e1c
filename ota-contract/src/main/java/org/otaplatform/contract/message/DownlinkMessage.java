package org.otaplatform.contract.message;

/** A message the platform publishes under {@code ota/v1/gw/{gatewayId}/down/...}. */
public sealed interface DownlinkMessage permits Upgrade, Cancel, Reply, ErrorReply, Resync {

    String msgId();

    long ts();
}
