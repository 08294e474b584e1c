package org.otaplatform.common.reactive;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;

/** Runs one asynchronous step per item, each after the previous one finished: steps that share a session or transaction. */
public final class InOrder {

    private InOrder() {}

    /** Completes when every step has completed; the first failure fails the whole and stops the rest. */
    public static <T> Uni<Void> each(Iterable<T> items, Function<? super T, ? extends Uni<?>> step) {
        return Multi.createFrom()
                .iterable(items)
                .onItem()
                .transformToUniAndConcatenate(item -> step.apply(item))
                .collect()
                .last()
                .replaceWithVoid();
    }
}
