package org.otaplatform.console.web;

import io.quarkus.qute.TemplateData;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Succeeded and failed results per minute as an SVG bar chart drawn on the server: one bar per minute of
 * the span, failures stacked on successes, with a title per bar for screen readers and pointers.
 */
@TemplateData
public final class Chart {

    public static final int WIDTH = 720;
    public static final int HEIGHT = 160;
    private static final int LEFT = 40;
    private static final int BOTTOM = 20;

    @TemplateData
    public record Bar(
            double x, double width, double okY, double okHeight, double badY, double badHeight, String title) {}

    private final List<Bar> bars = new ArrayList<>();
    private final long max;
    private final long succeeded;
    private final long failed;
    private final String from;
    private final String to;

    /** {@code progress}: the API's {@code {from, to, minutes: [{at, succeeded, failed}]}}. */
    @SuppressWarnings("unchecked")
    public Chart(Map<String, Object> progress, String zone) {
        ZoneId z = zone(zone);
        DateTimeFormatter hm = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(z);
        Instant start = Instant.parse(
                progress.getOrDefault("from", Instant.now().toString()).toString());
        Instant end = Instant.parse(
                progress.getOrDefault("to", Instant.now().toString()).toString());
        int span = (int) Math.max(1, (end.getEpochSecond() - start.getEpochSecond()) / 60 + 1);
        Map<Long, long[]> byMinute = new HashMap<>();
        long top = 0;
        long ok = 0;
        long bad = 0;
        for (Object o : (List<Object>) progress.getOrDefault("minutes", List.of())) {
            Map<String, Object> m = (Map<String, Object>) o;
            long at = Instant.parse(m.get("at").toString()).getEpochSecond();
            long s = ((Number) m.get("succeeded")).longValue();
            long f = ((Number) m.get("failed")).longValue();
            byMinute.put(at, new long[] {s, f});
            top = Math.max(top, s + f);
            ok += s;
            bad += f;
        }
        this.max = Math.max(1, top);
        this.succeeded = ok;
        this.failed = bad;
        double slot = (double) (WIDTH - LEFT) / span;
        double plot = HEIGHT - BOTTOM;
        for (int i = 0; i < span; i++) {
            Instant minute = start.plusSeconds(60L * i);
            long[] counts = byMinute.getOrDefault(minute.getEpochSecond(), new long[2]);
            if (counts[0] + counts[1] == 0) {
                continue;
            }
            double okH = plot * counts[0] / max;
            double badH = plot * counts[1] / max;
            double x = LEFT + i * slot + slot * 0.1;
            bars.add(new Bar(
                    round(x),
                    round(Math.max(1, slot * 0.8)),
                    round(plot - okH),
                    round(okH),
                    round(plot - okH - badH),
                    round(badH),
                    hm.format(minute) + ": " + counts[0] + " succeeded, " + counts[1] + " failed"));
        }
        this.from = hm.format(start);
        this.to = hm.format(end);
    }

    private static ZoneId zone(String zone) {
        try {
            return zone == null || zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    public List<Bar> bars() {
        return bars;
    }

    public long max() {
        return max;
    }

    public long succeeded() {
        return succeeded;
    }

    public long failed() {
        return failed;
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public int width() {
        return WIDTH;
    }

    public int height() {
        return HEIGHT;
    }

    public int left() {
        return LEFT;
    }

    public int baseline() {
        return HEIGHT - BOTTOM;
    }

    public boolean empty() {
        return bars.isEmpty();
    }
}
