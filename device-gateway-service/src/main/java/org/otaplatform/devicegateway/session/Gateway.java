package org.otaplatform.devicegateway.session;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A gateway's session: who it is, whether it is connected, when it was last heard from. */
@Entity
@Table(name = "gateway")
public class Gateway {

    @Id
    @Column(name = "gateway_id")
    public String gatewayId;

    @Column(name = "product_key", nullable = false)
    public String productKey;

    /** Null for a registered gateway that never connected. */
    public String version;

    @Column(nullable = false)
    public boolean online;

    @Column(name = "connected_at")
    public Instant connectedAt;

    @Column(name = "last_seen_at")
    public Instant lastSeenAt;

    /** The hardware revision its last {@code hello} reported (null: never reported). */
    @Column(name = "hardware_revision")
    public String hardwareRevision;
}
