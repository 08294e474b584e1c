package org.otaplatform.devicegateway.registry;

import static org.otaplatform.devicegateway.registry.RegistryRules.checkName;
import static org.otaplatform.devicegateway.registry.RegistryRules.deviceKeyRule;
import static org.otaplatform.devicegateway.registry.RegistryRules.deviceKeyRuleText;
import static org.otaplatform.devicegateway.registry.RegistryRules.notRegistered;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.otaplatform.common.audit.AuditLog;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.devicegateway.downlink.TaskStore;
import org.otaplatform.devicegateway.session.DeviceEvents;
import org.otaplatform.devicegateway.session.SubDeviceStore;
import org.otaplatform.devicegateway.session.SubDeviceStore.Change;
import org.otaplatform.devicegateway.session.SubDeviceStore.DeviceRow;

/**
 * The registry's devices for the REST API: devices, their secrets, and operators' bindings (products are
 * {@link ProductRegistry}'s).
 * Each write runs in one transaction with the events it causes (a binding change is announced on {@code
 * device/events}, where plan-service learns which sub-devices it may upgrade) and is recorded in the audit
 * log with who made it (the token's subject, or {@code gateway:<id>} for what a gateway's message changed)
 * and what it was and is now, as the API shows it: never a secret, and a rotation only as the fact that it
 * happened. A secret is returned by the call that issues it and never again.
 */
@ApplicationScoped
public class RegistryService {

    private final RegistryStore store;
    private final SubDeviceStore subDevices;
    private final TaskStore tasks;
    private final DeviceEvents events;
    private final SecretVault vault;
    private final AuditLog audit;

    private final org.otaplatform.devicegateway.session.GatewayDevices gatewayDevices;

    RegistryService(
            RegistryStore store,
            SubDeviceStore subDevices,
            TaskStore tasks,
            DeviceEvents events,
            SecretVault vault,
            AuditLog audit,
            org.otaplatform.devicegateway.session.GatewayDevices gatewayDevices) {
        this.gatewayDevices = gatewayDevices;
        this.store = store;
        this.subDevices = subDevices;
        this.tasks = tasks;
        this.events = events;
        this.vault = vault;
        this.audit = audit;
    }

    /** A device created, with its secret: shown this once. */
    public record DeviceWithSecret(RegisteredDevice device, String deviceSecret) {}

    // --- devices ----------------------------------------------------------------------------------

    /** Registers one device and issues its secret. A gateway's deviceKey is its gatewayId. */
    public Uni<DeviceWithSecret> createDevice(String productKey, String deviceKey, String name, AuditLog.Caller actor) {
        List<FieldError> errors = new ArrayList<>();
        checkName(name, false, errors);
        return Panache.withTransaction(() -> store.lockProduct(productKey).flatMap(found -> {
            Product product = found.orElseThrow(() -> ApiException.notFound("product", productKey));
            if (!deviceKeyRule(product.nodeType()).test(deviceKey)) {
                errors.add(0, new FieldError("deviceKey", deviceKeyRuleText(product.nodeType())));
            }
            if (!errors.isEmpty()) {
                return Uni.createFrom().failure(ApiException.invalid(errors));
            }
            String secret = vault.generate();
            Uni<Void> gatewayFree = product.nodeType() != NodeType.GATEWAY
                    ? Uni.createFrom().voidItem()
                    : store.gatewayIdsRegisteredElsewhere(productKey, List.of(deviceKey))
                            .invoke(taken -> {
                                if (!taken.isEmpty()) {
                                    throw new ApiException(
                                            ErrorCode.CONFLICT,
                                            "gateway " + deviceKey + " is registered under another product");
                                }
                            })
                            .replaceWithVoid();
            return gatewayFree
                    .flatMap(v ->
                            store.insertDevice(productKey, deviceKey, name, vault.seal(productKey, deviceKey, secret)))
                    .flatMap(inserted -> {
                        if (!inserted) {
                            throw new ApiException(
                                    ErrorCode.CONFLICT,
                                    "device " + productKey + "/" + deviceKey + " is registered already");
                        }
                        return product.nodeType() == NodeType.GATEWAY
                                ? store.gatewaySessions(productKey, List.of(deviceKey))
                                : Uni.createFrom().voidItem();
                    })
                    .flatMap(v -> store.device(productKey, deviceKey))
                    .call(device -> audit.record(
                            actor, "device.create", "device/" + productKey + "/" + deviceKey, null, device.get()))
                    .map(device -> new DeviceWithSecret(device.get(), secret));
        }));
    }

    @WithSession
    public Uni<Page<RegisteredDevice>> devices(DeviceFilter filter, PageRequest page) {
        return store.devices(filter, page)
                .flatMap(list -> store.countDevices(filter).map(total -> page.page(list, total)));
    }

    @WithSession
    public Uni<RegisteredDevice> device(String productKey, String deviceKey) {
        return store.device(productKey, deviceKey)
                .map(found -> found.orElseThrow(() -> notRegistered(productKey, deviceKey)));
    }

    /**
     * Deletes a device. A sub-device is unbound first: the event tells plan-service, which ends its open
     * tasks; its gateway's unacknowledged upgrade of it is not sent again. A gateway's sub-devices are
     * unbound with it.
     */
    public Uni<Void> deleteDevice(String productKey, String deviceKey, AuditLog.Caller actor) {
        return Panache.withTransaction(() -> store.device(productKey, deviceKey).flatMap(found -> {
            RegisteredDevice device = found.orElseThrow(() -> notRegistered(productKey, deviceKey));
            Uni<Void> unbound = device.nodeType() == NodeType.GATEWAY
                    ? unbindAllOf(deviceKey)
                            .flatMap(v -> gatewayDevices.deleted(productKey, deviceKey))
                            .flatMap(v -> store.forgetNeverConnectedGateway(deviceKey))
                    : deletedSubDevice(new SubDeviceRef(productKey, deviceKey));
            return unbound.flatMap(v -> store.deleteDevice(productKey, deviceKey))
                    .call(() -> audit.record(
                            actor, "device.delete", "device/" + productKey + "/" + deviceKey, device, null));
        }));
    }

    /**
     * Changes a device's name, hardware revision (as the operator's: the last writer wins), tags and whether it is
     * a test device; audited with the device before and after. Nothing changes when any field is at fault.
     */
    public Uni<RegisteredDevice> patchDevice(
            String productKey, String deviceKey, com.fasterxml.jackson.databind.JsonNode body, AuditLog.Caller actor) {
        List<org.otaplatform.common.error.FieldError> errors = new ArrayList<>();
        DeviceAttributes.Patch patch = DeviceAttributes.read(body, errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.invalid(errors));
        }
        return Panache.withTransaction(() -> store.lockDevice(productKey, deviceKey)
                .flatMap(known -> {
                    if (!known) {
                        throw notRegistered(productKey, deviceKey);
                    }
                    return store.device(productKey, deviceKey);
                })
                .flatMap(found -> {
                    RegisteredDevice before = found.orElseThrow(() -> notRegistered(productKey, deviceKey));
                    List<org.otaplatform.common.error.FieldError> over = new ArrayList<>();
                    var tags = DeviceAttributes.merged(before.tags(), patch.tags(), over);
                    if (!over.isEmpty()) {
                        throw ApiException.invalid(over);
                    }
                    boolean revisionChanged = patch.hasRevision()
                            && !java.util.Objects.equals(patch.revision(), before.hardwareRevision());
                    return store.updateAttributes(
                                    productKey,
                                    deviceKey,
                                    patch.hasName() ? patch.name() : before.name(),
                                    patch.revision(),
                                    revisionChanged,
                                    DeviceAttributes.json(tags),
                                    patch.testDevice() == null ? before.testDevice() : patch.testDevice())
                            .flatMap(events::attributes)
                            .flatMap(v -> store.device(productKey, deviceKey))
                            .map(Optional::orElseThrow)
                            .call(after -> audit.record(
                                    actor, "device.update", "device/" + productKey + "/" + deviceKey, before, after));
                }));
    }

    /**
     * Puts a device on hold ({@code reason} 1–200 printable characters) or releases it ({@code reason} null): no
     * plan touches a held device, nor a held gateway's sub-devices, until released. Audited with who and why.
     */
    public Uni<RegisteredDevice> hold(String productKey, String deviceKey, String reason, AuditLog.Caller actor) {
        if (reason != null && !org.otaplatform.contract.Identifiers.isPrintable(reason, 200)) {
            return Uni.createFrom().failure(ApiException.invalid("reason", "must be 1–200 printable characters"));
        }
        return Panache.withTransaction(() -> store.lockDevice(productKey, deviceKey)
                .flatMap(known -> {
                    if (!known) {
                        throw notRegistered(productKey, deviceKey);
                    }
                    return store.device(productKey, deviceKey);
                })
                .flatMap(found -> {
                    RegisteredDevice before = found.orElseThrow(() -> notRegistered(productKey, deviceKey));
                    return store.hold(productKey, deviceKey, reason, actor.actor())
                            .flatMap(events::attributes)
                            .flatMap(v -> store.device(productKey, deviceKey))
                            .map(Optional::orElseThrow)
                            .call(after -> audit.record(
                                    actor,
                                    reason == null ? "device.release" : "device.hold",
                                    "device/" + productKey + "/" + deviceKey,
                                    before,
                                    after));
                }));
    }

    /** What {@code devices:tag} did: the devices it selected and those whose tags changed. */
    public record Tagged(long matched, long changed) {}

    /**
     * Tags many devices of a product at once, chosen by {@code filter} or by {@code devices} (keys): {@code set}
     * merged in, {@code remove} keys taken out, in one statement, all or nothing (a device that would end with
     * more than 32 tags refuses the call). Audited once, with the request and the counts.
     */
    public Uni<Tagged> tagDevices(
            String productKey, com.fasterxml.jackson.databind.JsonNode body, AuditLog.Caller actor) {
        List<org.otaplatform.common.error.FieldError> errors = new ArrayList<>();
        DeviceTagging.Request request = DeviceTagging.read(body, errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.invalid(errors));
        }
        DeviceFilter selection = new DeviceFilter(productKey, null, null, null, null, request.selection());
        return Panache.withTransaction(() -> store.product(productKey)
                .map(Optional::isPresent)
                .flatMap(exists -> {
                    if (!exists) {
                        throw ApiException.notFound("product", productKey);
                    }
                    return store.tag(
                            productKey,
                            selection,
                            DeviceAttributes.json(request.set()),
                            request.remove().toArray(String[]::new),
                            DeviceAttributes.MAX_TAGS);
                })
                .flatMap(t -> {
                    if (t.over() > 0) {
                        throw ApiException.invalid(
                                "set",
                                t.over() + " of the devices would have more than " + DeviceAttributes.MAX_TAGS
                                        + " tags; nothing was changed");
                    }
                    return events.attributes(t.changed())
                            .replaceWith(new Tagged(t.matched(), t.changed().size()));
                })
                .call(t -> audit.record(
                        actor,
                        "device.tag",
                        "product/" + productKey + "/devices",
                        null,
                        java.util.Map.of("request", body, "matched", t.matched(), "changed", t.changed()))));
    }

    /** A new secret for a device, returned this once; proofs made with the old one stop verifying. */
    public Uni<String> rotateDeviceSecret(String productKey, String deviceKey, AuditLog.Caller actor) {
        String secret = vault.generate();
        return Panache.withTransaction(() -> store.replaceDeviceSecret(
                                productKey, deviceKey, vault.seal(productKey, deviceKey, secret))
                        .call(replaced -> {
                            if (!replaced) {
                                throw notRegistered(productKey, deviceKey);
                            }
                            return audit.record(
                                    actor,
                                    "device.secret.rotate",
                                    "device/" + productKey + "/" + deviceKey,
                                    null,
                                    null);
                        }))
                .replaceWith(secret);
    }

    // --- bindings ---------------------------------------------------------------------------------

    /**
     * An operator binds a registered sub-device to a gateway, moving it from any other. It is attached when
     * the gateway next lists it (no proof needed then); tasks sent to its old gateway end.
     */
    public Uni<RegisteredDevice> bind(String gatewayId, String productKey, String deviceKey, AuditLog.Caller actor) {
        SubDeviceRef key = new SubDeviceRef(productKey, deviceKey);
        return Panache.withTransaction(() -> subDeviceOf(key)
                        .flatMap(before -> store.gatewayKnown(gatewayId).flatMap(known -> {
                            if (!known) {
                                throw new ApiException(
                                        ErrorCode.NOT_FOUND,
                                        "gateway " + gatewayId + " is neither registered nor ever connected");
                            }
                            if (gatewayId.equals(before.gatewayId())) {
                                return Uni.createFrom().voidItem();
                            }
                            DeviceRow after = before.at(gatewayId, false, false);
                            return subDevices
                                    .write(List.of(new Change(after, "BOUND", false)))
                                    .flatMap(events::devices)
                                    .flatMap(v -> tasks.endWhereNotBound(List.of(after)))
                                    .call(() -> audit.record(
                                            actor,
                                            "binding.bind",
                                            "device/" + productKey + "/" + deviceKey,
                                            before,
                                            after));
                        }))
                        .flatMap(v -> store.device(productKey, deviceKey)))
                .map(Optional::get);
    }

    /** An operator unbinds a sub-device from its gateway: no gateway speaks for it until it is bound again. */
    public Uni<Void> unbind(String gatewayId, String productKey, String deviceKey, AuditLog.Caller actor) {
        SubDeviceRef key = new SubDeviceRef(productKey, deviceKey);
        return Panache.withTransaction(() -> subDeviceOf(key).flatMap(before -> {
            if (!gatewayId.equals(before.gatewayId())) {
                throw new ApiException(
                        ErrorCode.NOT_FOUND,
                        "sub-device " + productKey + "/" + deviceKey + " is not bound to gateway " + gatewayId);
            }
            return unbind(List.of(before))
                    .call(() -> audit.record(
                            actor, "binding.unbind", "device/" + productKey + "/" + deviceKey, before, null));
        }));
    }

    /** The state of a registered sub-device, locked; 404 when it is not registered, 409 for a gateway. */
    private Uni<DeviceRow> subDeviceOf(SubDeviceRef key) {
        return subDevices
                .lock(List.of(key), null)
                .flatMap(v -> store.device(key.productKey(), key.deviceKey()))
                .flatMap(found -> {
                    RegisteredDevice device = found.orElseThrow(() -> notRegistered(key.productKey(), key.deviceKey()));
                    if (device.nodeType() != NodeType.SUB_DEVICE) {
                        throw new ApiException(
                                ErrorCode.CONFLICT,
                                key.productKey() + "/" + key.deviceKey() + " is a gateway, not a sub-device");
                    }
                    return subDevices.states(List.of(key));
                })
                .map(states -> states.get(key));
    }

    private Uni<Void> unbind(List<DeviceRow> rows) {
        List<Change> changes = rows.stream()
                .map(d -> new Change(d.at(null, false, false), "UNBOUND", false))
                .toList();
        return subDevices
                .write(changes)
                .flatMap(events::devices)
                .flatMap(v -> tasks.endWhereNotBound(
                        changes.stream().map(Change::state).toList()));
    }

    private Uni<Void> unbindAllOf(String gatewayId) {
        return subDevices
                .lock(List.of(), gatewayId)
                .flatMap(v -> subDevices.boundTo(gatewayId))
                .flatMap(bound -> bound.isEmpty() ? Uni.createFrom().voidItem() : unbind(bound));
    }

    private Uni<Void> deletedSubDevice(SubDeviceRef key) {
        return subDevices
                .lock(List.of(key), null)
                .flatMap(v -> subDevices.states(List.of(key)))
                .flatMap(states -> {
                    DeviceRow last = states.get(key);
                    return subDevices
                            .deleted(last)
                            .flatMap(event -> events.devices(List.of(event)))
                            .flatMap(v -> tasks.endWhereNotBound(List.of(last.at(null, false, false))));
                });
    }
}
