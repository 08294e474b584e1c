package org.otaplatform.contract;

/**
 * Topics between the platform's own services. Versioned, QoS 1, every message carries a message id
 * for idempotent consumers. Consumers subscribe through {@link #shared(String, String)} so that a
 * service may run several replicas and each message is handled by one of them.
 */
public final class InternalTopics {

    public static final String ROOT = "ota/internal/v1/";

    /** device-gateway-service → plan-service: attached, detached, online, offline, version reported. */
    public static final String DEVICE_EVENTS = ROOT + "device/events";

    /** device-gateway-service → plan-service: requests, acks and progress, with the gateway attached. */
    public static final String GATEWAY_UPLINK = ROOT + "gateway/uplink";

    /** plan-service → device-gateway-service: upgrade, cancel and reply commands for gateways. */
    public static final String GATEWAY_COMMANDS = ROOT + "gateway/commands";

    /** plan-service → firmware-service (and anyone interested): plan life-cycle events. */
    public static final String PLAN_EVENTS = ROOT + "plan/events";

    /** firmware-service → plan-service: packages created, verified, deleted. */
    public static final String FIRMWARE_EVENTS = ROOT + "firmware/events";

    /** firmware-service → plan-service: run a verification of a package on test devices. */
    public static final String VERIFICATION_REQUESTS = ROOT + "firmware/verification/requests";

    /** plan-service → firmware-service: the outcome of a verification run. */
    public static final String VERIFICATION_RESULTS = ROOT + "firmware/verification/results";

    private InternalTopics() {}

    /** A shared subscription: each message goes to one subscriber of {@code group}. */
    public static String shared(String group, String topic) {
        return "$share/" + group + "/" + topic;
    }
}
