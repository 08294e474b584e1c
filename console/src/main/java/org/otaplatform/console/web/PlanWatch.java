package org.otaplatform.console.web;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.otaplatform.console.backend.Reply;
import org.otaplatform.console.config.ConsoleConfig;

/**
 * What the plan pages poll, read once per plan per interval however many people watch: the first viewer's
 * request reads the service and the others share its answer until the interval is over. Only answers the
 * service gave as OK are shared; a refusal is answered to its own viewer only. Every viewer's roles are
 * checked before a shared answer is served (the page does that, with the rule the service applies).
 */
@ApplicationScoped
public class PlanWatch {

    /** The most plans (and kinds) remembered; beyond it expired answers are dropped. */
    private static final int KEPT = 2_000;

    private record Entry(long readAt, CompletableFuture<Reply> reply) {}

    private final ConcurrentHashMap<String, Entry> answers = new ConcurrentHashMap<>();
    private final long liveNanos;

    PlanWatch(ConsoleConfig config) {
        this.liveNanos = config.liveInterval().toNanos();
    }

    /** The live figures of a plan (its statistics), at most one read per live interval. */
    public Uni<Reply> live(String planId, Supplier<Uni<Reply>> read) {
        return shared(planId + "|live", liveNanos, read);
    }

    /**
     * The plan read afresh, for the person who has just changed it (and for everyone after them): they must
     * see the plan as their change left it, not as it was a second ago.
     */
    public Uni<Reply> fresh(String planId, Supplier<Uni<Reply>> read) {
        answers.remove(planId + "|live");
        return live(planId, read);
    }

    /** Slower-moving results (chart, breakdowns): at most one read per {@code every} intervals. */
    public Uni<Reply> results(String planId, String kind, int every, Supplier<Uni<Reply>> read) {
        return shared(planId + "|" + kind, liveNanos * every, read);
    }

    public Duration interval() {
        return Duration.ofNanos(liveNanos);
    }

    /** The live interval in whole seconds, for a page's polling (htmx {@code every 2s}). */
    public long seconds() {
        return Math.max(1, interval().toSeconds());
    }

    private Uni<Reply> shared(String key, long maxAgeNanos, Supplier<Uni<Reply>> read) {
        long now = System.nanoTime();
        Entry entry = answers.compute(key, (k, old) -> {
            if (old != null && now - old.readAt() < maxAgeNanos && !refused(old.reply())) {
                return old;
            }
            return new Entry(now, read.get().subscribeAsCompletionStage());
        });
        if (answers.size() > KEPT) {
            answers.entrySet().removeIf(e -> now - e.getValue().readAt() > maxAgeNanos * 10);
        }
        CompletableFuture<Reply> reply = entry.reply();
        return Uni.createFrom().completionStage(reply.thenApply(r -> {
            if (!r.ok()) {
                answers.remove(key, entry);
            }
            return r;
        }));
    }

    private static boolean refused(CompletableFuture<Reply> reply) {
        return reply.isCompletedExceptionally()
                || (reply.isDone() && !reply.join().ok());
    }
}
