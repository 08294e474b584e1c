package org.otaplatform.common.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while every MQTT subscription of the service is in place. */
@Readiness
@ApplicationScoped
public class MqttSubscriptionsHealth implements HealthCheck {

    private final MqttSubscriptions subscriptions;

    MqttSubscriptionsHealth(MqttSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("mqtt-subscriptions")
                .status(subscriptions.connected())
                .build();
    }
}
