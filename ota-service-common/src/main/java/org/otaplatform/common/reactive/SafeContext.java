package org.otaplatform.common.reactive;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Work started outside a request (a timer, an MQTT message, a pass): Hibernate Reactive wants each unit
 * on its own duplicated Vert.x context, marked safe.
 */
public final class SafeContext {

    private SafeContext() {}

    /** Creates the unit's Uni on a new safe duplicated context and subscribes to it there. */
    public static <T> void run(
            Vertx vertx, Supplier<Uni<? extends T>> work, Consumer<? super T> onItem, Consumer<Throwable> onFailure) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(v -> Uni.createFrom().<T>deferred(work).subscribe().with(onItem, onFailure));
    }

    /** The unit as a Uni: each subscription runs {@code work} on a new safe duplicated context. */
    public static <T> Uni<T> uni(Vertx vertx, Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().emitter(emitter -> run(vertx, work, emitter::complete, emitter::fail));
    }
}
