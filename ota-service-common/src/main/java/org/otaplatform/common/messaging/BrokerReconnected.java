package org.otaplatform.common.messaging;

import java.time.Instant;

/** This service is back on the broker after losing it (fired once per outage, not at start-up). */
public record BrokerReconnected(Instant at) {}
