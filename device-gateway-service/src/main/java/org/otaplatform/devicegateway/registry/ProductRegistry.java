package org.otaplatform.devicegateway.registry;

import static org.otaplatform.devicegateway.registry.RegistryRules.checkName;

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
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.version.VersionScheme;

/**
 * The registry's products for the REST API: create, read, change, delete, and the product secret of
 * dynamic registration. Each write runs in one transaction and is recorded in the audit log with who made
 * it; a secret is returned by the call that issues it and never again. Devices and bindings are {@link
 * RegistryService}'s.
 */
@ApplicationScoped
public class ProductRegistry {

    private final RegistryStore store;
    private final SecretVault vault;
    private final AuditLog audit;
    private final ProductEvents events;

    ProductRegistry(RegistryStore store, SecretVault vault, AuditLog audit, ProductEvents events) {
        this.store = store;
        this.vault = vault;
        this.audit = audit;
        this.events = events;
    }

    /** What a client sends to create a product; enums as text, so that a bad one is named, not a 400. */
    public record ProductRequest(
            String productKey,
            String name,
            String nodeType,
            String bindPolicy,
            Boolean dynamicRegistration,
            String versionScheme) {}

    /** What a client sends to change a product: the fields to change, the others absent. */
    public record ProductPatch(
            String name, String nodeType, String bindPolicy, Boolean dynamicRegistration, String versionScheme) {}

    /** A product, with the secret issued by this call (null when none was). */
    public record ProductWithSecret(Product product, String productSecret) {}

    public Uni<ProductWithSecret> createProduct(ProductRequest request, AuditLog.Caller actor) {
        List<FieldError> errors = new ArrayList<>();
        String productKey = request.productKey();
        if (!Identifiers.isProductKey(productKey)) {
            errors.add(new FieldError("productKey", "must be 1–64 characters of [A-Za-z0-9_-]"));
        }
        checkName(request.name(), true, errors);
        NodeType nodeType = enumField("nodeType", request.nodeType(), NodeType.class, true, errors);
        BindPolicy policy = enumField("bindPolicy", request.bindPolicy(), BindPolicy.class, false, errors);
        VersionScheme scheme = enumField("versionScheme", request.versionScheme(), VersionScheme.class, false, errors);
        boolean dynamic = Boolean.TRUE.equals(request.dynamicRegistration());
        if (dynamic && nodeType == NodeType.GATEWAY) {
            errors.add(new FieldError("dynamicRegistration", "is for sub-device products only"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.invalid(errors));
        }
        String secret = dynamic ? vault.generate() : null;
        BindPolicy chosen = policy == null ? BindPolicy.SIGNED : policy;
        return Panache.withTransaction(() -> store.insertProduct(
                                productKey,
                                request.name(),
                                nodeType,
                                chosen,
                                dynamic,
                                scheme == null ? VersionScheme.OPAQUE : scheme,
                                secret == null ? null : vault.seal(productKey, null, secret))
                        .flatMap(inserted -> inserted
                                ? store.product(productKey).map(Optional::get)
                                : Uni.createFrom()
                                        .failure(new ApiException(
                                                ErrorCode.CONFLICT, "product " + productKey + " exists already")))
                        .call(events::changed)
                        .call(p -> audit.record(actor, "product.create", "product/" + productKey, null, p)))
                .map(p -> new ProductWithSecret(p, secret));
    }

    @WithSession
    public Uni<Page<Product>> products(NodeType nodeType, PageRequest page) {
        return store.products(nodeType, page)
                .flatMap(list -> store.countProducts(nodeType).map(total -> page.page(list, total)));
    }

    @WithSession
    public Uni<Product> product(String productKey) {
        return store.product(productKey).map(p -> p.orElseThrow(() -> ApiException.notFound("product", productKey)));
    }

    /**
     * Changes a product's name, bind policy, dynamic registration or version scheme (its node type is fixed
     * once it has devices). Turning dynamic registration on issues a product secret, returned this once; turning it off
     * forgets the secret.
     */
    public Uni<ProductWithSecret> updateProduct(String productKey, ProductPatch patch, AuditLog.Caller actor) {
        List<FieldError> errors = new ArrayList<>();
        if (patch.name() != null) {
            checkName(patch.name(), true, errors);
        }
        NodeType nodeType = enumField("nodeType", patch.nodeType(), NodeType.class, false, errors);
        BindPolicy policy = enumField("bindPolicy", patch.bindPolicy(), BindPolicy.class, false, errors);
        VersionScheme scheme = enumField("versionScheme", patch.versionScheme(), VersionScheme.class, false, errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.invalid(errors));
        }
        return Panache.withTransaction(() -> store.lockProduct(productKey).flatMap(found -> {
            Product before = found.orElseThrow(() -> ApiException.notFound("product", productKey));
            if (nodeType != null && nodeType != before.nodeType()) {
                return Uni.createFrom()
                        .failure(ApiException.invalid(
                                "nodeType",
                                "cannot change: " + productKey + " is a " + before.nodeType() + " product"));
            }
            boolean dynamic =
                    patch.dynamicRegistration() == null ? before.dynamicRegistration() : patch.dynamicRegistration();
            if (dynamic && before.nodeType() == NodeType.GATEWAY) {
                return Uni.createFrom()
                        .failure(ApiException.invalid("dynamicRegistration", "is for sub-device products only"));
            }
            String issued = dynamic && !before.dynamicRegistration() ? vault.generate() : null;
            Optional<SecretVault.Sealed> secret = issued != null
                    ? Optional.of(vault.seal(productKey, null, issued))
                    : !dynamic && before.dynamicRegistration() ? Optional.of(noSecret()) : Optional.empty();
            return store.updateProduct(
                            productKey,
                            patch.name() == null ? before.name() : patch.name(),
                            policy == null ? before.bindPolicy() : policy,
                            dynamic,
                            scheme == null ? before.versionScheme() : scheme,
                            secret)
                    .flatMap(v -> store.product(productKey))
                    .call(after -> after.get().versionScheme() == before.versionScheme()
                                    && after.get().nodeType() == before.nodeType()
                            ? Uni.createFrom().voidItem()
                            : events.changed(after.get()))
                    .call(after -> audit.record(actor, "product.update", "product/" + productKey, before, after.get()))
                    .map(after -> new ProductWithSecret(after.get(), issued));
        }));
    }

    public Uni<Void> deleteProduct(String productKey, AuditLog.Caller actor) {
        return Panache.withTransaction(() -> store.lockProduct(productKey).flatMap(found -> {
            Product before = found.orElseThrow(() -> ApiException.notFound("product", productKey));
            return store.deleteProduct(productKey).flatMap(deleted -> {
                if (!deleted) {
                    throw new ApiException(
                            ErrorCode.CONFLICT,
                            "product " + productKey + " has " + before.deviceCount()
                                    + " registered devices; delete them first");
                }
                return events.deleted(before)
                        .flatMap(v -> audit.record(actor, "product.delete", "product/" + productKey, before, null));
            });
        }));
    }

    /** A new product secret for dynamic registration, returned this once; the old one stops working. */
    public Uni<String> rotateProductSecret(String productKey, AuditLog.Caller actor) {
        return Panache.withTransaction(() -> store.lockProduct(productKey).flatMap(found -> {
            Product product = found.orElseThrow(() -> ApiException.notFound("product", productKey));
            if (!product.dynamicRegistration()) {
                return Uni.createFrom()
                        .failure(new ApiException(
                                ErrorCode.CONFLICT,
                                "product " + productKey + " has no secret: its dynamic registration is off"));
            }
            String secret = vault.generate();
            return store.updateProduct(
                            productKey,
                            product.name(),
                            product.bindPolicy(),
                            true,
                            product.versionScheme(),
                            Optional.of(vault.seal(productKey, null, secret)))
                    .call(() -> audit.record(actor, "product.secret.rotate", "product/" + productKey, null, null))
                    .replaceWith(secret);
        }));
    }

    private static <E extends Enum<E>> E enumField(
            String field, String value, Class<E> type, boolean required, List<FieldError> errors) {
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        errors.add(new FieldError(field, "must be one of " + java.util.Arrays.toString(type.getEnumConstants())));
        return null;
    }

    private static SecretVault.Sealed noSecret() {
        return new SecretVault.Sealed(null, null);
    }
}
