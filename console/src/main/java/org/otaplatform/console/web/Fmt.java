package org.otaplatform.console.web;

import io.quarkus.qute.TemplateExtension;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What templates show numbers and times with: {@code {fmt:time(task.updatedAt, plan.timeZone)}}. The page
 * prints a time in the plan's zone (or UTC); console.js adds the browser's.
 */
@TemplateExtension(namespace = "fmt")
public final class Fmt {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Fmt() {}

    /** An ISO instant as a date and time in {@code zone} (an IANA id; UTC when absent or unknown). */
    static String time(Object instant, Object zone) {
        if (instant == null || instant.toString().isBlank()) {
            return "";
        }
        try {
            ZoneId z = zone == null || zone.toString().isBlank() ? ZoneOffset.UTC : ZoneId.of(zone.toString());
            return WHEN.format(Instant.parse(instant.toString()).atZone(z)) + " " + z.getId();
        } catch (DateTimeException e) {
            return instant.toString();
        }
    }

    static String time(Object instant) {
        return time(instant, null);
    }

    /** A plan's local date-time as the API gives it ({@code 2026-12-01T02:00}), with its zone. */
    static String local(Object localDateTime, Object zone) {
        if (localDateTime == null) {
            return "";
        }
        return localDateTime.toString().replace('T', ' ') + (zone == null ? "" : " " + zone);
    }

    /** A ratio (0–1) as a percentage with one decimal, or a dash when there is none yet. */
    static String percent(Object ratio) {
        if (!(ratio instanceof Number n)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.1f %%", n.doubleValue() * 100);
    }

    /** A byte count for people: 1.5 MiB. */
    static String bytes(Object count) {
        if (!(count instanceof Number n)) {
            return "";
        }
        double v = n.doubleValue();
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n.longValue() + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A count with thousands separated: 1,000,000. */
    static String count(Object count) {
        return count instanceof Number n ? String.format(Locale.ROOT, "%,d", n.longValue()) : "0";
    }

    /** The first characters of a long identifier, for tables (the full value stays in the title). */
    static String shortId(Object id) {
        String s = id == null ? "" : id.toString();
        return s.length() > 8 ? s.substring(0, 8) : s;
    }
}
