package org.otaplatform.devicegateway.session;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** A sub-device and the gateway that speaks for it now (null when detached). */
@Entity
@Table(name = "sub_device")
public class SubDevice {

    @EmbeddedId
    public Key key;

    @Column(name = "gateway_id")
    public String gatewayId;

    @Column(nullable = false)
    public boolean online;

    @Column(nullable = false)
    public String version;

    @Column(name = "last_seen_at", nullable = false)
    public Instant lastSeenAt;

    /** (productKey, deviceKey): the protocol's identity of a sub-device. */
    @Embeddable
    public record Key(
            @Column(name = "product_key") String productKey,
            @Column(name = "device_key") String deviceKey) implements Serializable {}
}
