package org.otaplatform.common.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.otaplatform.common.reactive.InOrder;

/** How a run of messages received together is applied in one transaction ({@link MqttSubscriptions}). */
public final class Runs {

    private Runs() {}

    /** Each message's work in order, in one Panache transaction. */
    public static Uni<Void> inOneTransaction(List<Supplier<Uni<Void>>> run) {
        return Panache.withTransaction(() -> InOrder.each(run, Supplier::get));
    }

    /**
     * In one Panache transaction, in order: every stretch of consecutive {@link Work.Batchable} works goes to
     * {@code setBased} (which applies their items with a few statements), every other work runs alone. How
     * many messages went set-based.
     */
    @SuppressWarnings("unchecked")
    static <T> Uni<Integer> inStretches(List<Supplier<Uni<Void>>> run, Function<List<T>, Uni<Void>> setBased) {
        List<List<Supplier<Uni<Void>>>> stretches = new ArrayList<>();
        for (Supplier<Uni<Void>> work : run) {
            List<Supplier<Uni<Void>>> last = stretches.isEmpty() ? null : stretches.get(stretches.size() - 1);
            if (last != null && (last.get(0) instanceof Work.Batchable) == (work instanceof Work.Batchable)) {
                last.add(work);
            } else {
                stretches.add(new ArrayList<>(List.of(work)));
            }
        }
        int count = (int) run.stream().filter(w -> w instanceof Work.Batchable).count();
        return Panache.withTransaction(() -> InOrder.each(
                        stretches,
                        stretch -> stretch.get(0) instanceof Work.Batchable
                                ? setBased.apply(stretch.stream()
                                        .map(w -> ((Work.Batchable<T>) w).item())
                                        .toList())
                                : InOrder.each(stretch, Supplier::get)))
                .replaceWith(count);
    }
}
