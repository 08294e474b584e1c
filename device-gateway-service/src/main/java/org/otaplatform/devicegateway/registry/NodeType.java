package org.otaplatform.devicegateway.registry;

/** What a product's devices are: gateways, which speak for sub-devices, or sub-devices. */
public enum NodeType {
    GATEWAY,
    SUB_DEVICE
}
