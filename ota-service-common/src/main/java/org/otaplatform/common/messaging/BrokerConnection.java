package org.otaplatform.common.messaging;

import io.vertx.mqtt.MqttClientOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where and as whom the service's own MQTT connections ({@link MqttSubscriptions}, {@link MqttPublisher})
 * reach the broker: the messaging connector's settings, read once.
 */
@ApplicationScoped
public class BrokerConnection {

    private final String host;
    private final int port;
    private final int maxMessageSize;
    private final String application;
    /** The service's broker account (null: anonymous, as on a development broker); a secret's half. */
    private final String username;

    private final String password;

    BrokerConnection(
            @ConfigProperty(name = "mp.messaging.connector.smallrye-mqtt.host") String host,
            @ConfigProperty(name = "mp.messaging.connector.smallrye-mqtt.port", defaultValue = "1883") int port,
            @ConfigProperty(name = "mp.messaging.connector.smallrye-mqtt.max-message-size", defaultValue = "262144")
                    int maxMessageSize,
            @ConfigProperty(name = "quarkus.application.name") String application,
            @ConfigProperty(name = "mp.messaging.connector.smallrye-mqtt.username") Optional<String> username,
            @ConfigProperty(name = "mp.messaging.connector.smallrye-mqtt.password") Optional<String> password) {
        this.host = host;
        this.port = port;
        this.maxMessageSize = maxMessageSize;
        this.application = application;
        this.username = username.filter(u -> !u.isBlank()).orElse(null);
        this.password = password.orElse(null);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The service's name, the start of its connections' client ids. */
    public String application() {
        return application;
    }

    /** A connection's options: its client id, the message size limit, keep-alive and the account. */
    public MqttClientOptions options(String clientId) {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(clientId)
                .setMaxMessageSize(maxMessageSize)
                .setKeepAliveInterval(30);
        if (username != null) {
            options.setUsername(username).setPassword(password);
        }
        return options;
    }
}
