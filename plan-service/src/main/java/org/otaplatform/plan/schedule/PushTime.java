package org.otaplatform.plan.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.otaplatform.plan.plan.PlanRequest.PushWindow;

/**
 * Whether a plan may push at an instant: inside its period ({@code startAt} inclusive, {@code endAt}
 * exclusive) and inside one of its daily windows, all in the plan's time zone. Windows are read on the
 * local wall clock, so they follow daylight-saving changes: a window of 02:00–05:00 opens at 02:00 local
 * time whatever the UTC offset that day; on the night clocks go forward it simply has an hour less.
 */
public final class PushTime {

    private PushTime() {}

    public static boolean allows(
            String timeZone, LocalDateTime startAt, LocalDateTime endAt, List<PushWindow> windows, Instant now) {
        LocalDateTime local = LocalDateTime.ofInstant(now, ZoneId.of(timeZone));
        if (startAt != null && local.isBefore(startAt)) {
            return false;
        }
        if (endAt != null && !local.isBefore(endAt)) {
            return false;
        }
        if (windows == null || windows.isEmpty()) {
            return true;
        }
        LocalTime time = local.toLocalTime();
        return windows.stream().anyMatch(w -> inside(LocalTime.parse(w.from()), LocalTime.parse(w.to()), time));
    }

    /** Whether the plan's period is over at {@code now}: it finishes at endAt in its own time zone. */
    public static boolean ended(String timeZone, LocalDateTime endAt, Instant now) {
        return endAt != null
                && !LocalDateTime.ofInstant(now, ZoneId.of(timeZone)).isBefore(endAt);
    }

    static boolean inside(LocalTime from, LocalTime to, LocalTime time) {
        if (from.isBefore(to)) {
            return !time.isBefore(from) && time.isBefore(to);
        }
        // the window crosses midnight
        return !time.isBefore(from) || time.isBefore(to);
    }
}
