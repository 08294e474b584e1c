package org.otaplatform.contract.message;

/** A message a gateway publishes under {@code ota/v1/gw/{gatewayId}/up/...}. */
public sealed interface UplinkMessage
        permits Hello, Offline, Topology, Status, VersionReport, UpgradeRequest, Ack, Progress {

    /** The gateway's message id; absent only on a last-will {@code offline}. */
    String msgId();
}
