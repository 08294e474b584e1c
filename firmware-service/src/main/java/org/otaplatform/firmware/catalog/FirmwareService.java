package org.otaplatform.firmware.catalog;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;

/** Reads and changes the firmware catalogue. */
@ApplicationScoped
public class FirmwareService {

    private final FirmwareRepository repository;

    FirmwareService(FirmwareRepository repository) {
        this.repository = repository;
    }

    @WithSession
    public Uni<Page<Firmware>> list(String productKey, String version, PageRequest page) {
        return repository
                .list(productKey, version, page)
                .flatMap(items -> repository.count(productKey, version).map(total -> page.page(items, total)));
    }

    @WithSession
    public Uni<Firmware> get(UUID id) {
        return repository.findById(id).onItem().ifNull().failWith(() -> ApiException.notFound("firmware", id));
    }
}
