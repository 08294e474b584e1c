package org.otaplatform.plan.wave;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.otaplatform.plan.plan.PlanRequest;

/**
 * Which devices a wave may take. A device belongs to the first wave whose list names it or its gateway, or
 * whose filter matches it (as recorded at activation: {@code plan_wave_member} holds the first such wave);
 * a device no list names belongs to the first wave that is not a list (a share, or the open last wave).
 * While wave n is current it takes its own devices and the late ones of earlier waves (a device that
 * appeared or came back after its wave had passed): those the lists of waves 1..n name, and, when wave
 * n is not a list, every device the lists of later waves do not name.
 *
 * @param unlisted whether the wave takes devices no list up to it names (it is not a list itself)
 * @param devices the devices the lists of waves 1..n name
 * @param gateways the gateways the lists of waves 1..n name
 * @param laterDevices the devices the lists of later waves name
 * @param laterGateways the gateways the lists of later waves name
 * @param planId the plan, whose recorded filter waves count when {@code filtered}
 * @param number the wave's number (1-based)
 * @param filtered whether a wave of the plan has a filter
 */
public record WaveFilter(
        boolean unlisted,
        String[] devices,
        String[] gateways,
        String[] laterDevices,
        String[] laterGateways,
        java.util.UUID planId,
        int number,
        boolean filtered) {

    /** Every device: a plan without waves. */
    public static final WaveFilter ALL =
            new WaveFilter(true, new String[0], new String[0], new String[0], new String[0], null, 0, false);

    /** The filter of wave {@code number} (1-based) of these waves, of plan {@code planId}. */
    public static WaveFilter of(java.util.UUID planId, List<PlanRequest.Wave> waves, int number) {
        Set<String> devices = new LinkedHashSet<>();
        Set<String> gateways = new LinkedHashSet<>();
        Set<String> laterDevices = new LinkedHashSet<>();
        Set<String> laterGateways = new LinkedHashSet<>();
        boolean filtered = false;
        for (int i = 0; i < waves.size(); i++) {
            PlanRequest.Wave w = waves.get(i);
            (i < number ? devices : laterDevices).addAll(orEmpty(w.devices()));
            (i < number ? gateways : laterGateways).addAll(orEmpty(w.gateways()));
            filtered |= w.filtered();
        }
        return new WaveFilter(
                !waves.get(number - 1).listed(),
                devices.toArray(new String[0]),
                gateways.toArray(new String[0]),
                laterDevices.toArray(new String[0]),
                laterGateways.toArray(new String[0]),
                planId,
                number,
                filtered);
    }

    /**
     * Whether the wave takes this device (the same rule as {@link #sql}); {@code filterWave} the first wave whose
     * filter matched it at activation, null for none.
     */
    public boolean takes(String deviceKey, String gatewayId, Integer filterWave) {
        boolean byFilter = filtered && filterWave != null;
        boolean named =
                contains(devices, deviceKey) || contains(gateways, gatewayId) || (byFilter && filterWave <= number);
        boolean namedLater = contains(laterDevices, deviceKey)
                || contains(laterGateways, gatewayId)
                || (byFilter && filterWave > number);
        return named || (unlisted && !namedLater);
    }

    /**
     * The rule as SQL over a device's key and gateway columns, with the lists as parameters {@code $first} to
     * {@code $first+4}, in the order of the record, and {@code planId}, {@code number} and {@code filtered} as
     * {@code $more} to {@code $more+2} (see {@link #params}).
     */
    public static String sql(String deviceKey, String gatewayId, int first, int more) {
        String recorded = "EXISTS (SELECT 1 FROM plan_wave_member w WHERE w.plan_id = $" + more + " AND w.device_key = "
                + deviceKey + " AND w.wave %s $" + (more + 1) + ")";
        String named = "(" + deviceKey + " = ANY($" + (first + 1) + ") OR " + gatewayId + " = ANY($" + (first + 2)
                + ") OR ($" + (more + 2) + " AND " + recorded.formatted("<=") + "))";
        String namedLater = "(" + deviceKey + " = ANY($" + (first + 3) + ") OR " + gatewayId + " = ANY($" + (first + 4)
                + ") OR ($" + (more + 2) + " AND " + recorded.formatted(">") + "))";
        return "(" + named + " OR ($" + first + " AND NOT " + namedLater + "))";
    }

    /** The lists' five parameters of {@link #sql}, appended to {@code tuple}. */
    public io.vertx.mutiny.sqlclient.Tuple lists(io.vertx.mutiny.sqlclient.Tuple tuple) {
        return tuple.addBoolean(unlisted)
                .addArrayOfString(devices)
                .addArrayOfString(gateways)
                .addArrayOfString(laterDevices)
                .addArrayOfString(laterGateways);
    }

    /** The recorded filter waves' three parameters of {@link #sql}, appended to {@code tuple}. */
    public io.vertx.mutiny.sqlclient.Tuple params(io.vertx.mutiny.sqlclient.Tuple tuple) {
        return tuple.addUUID(planId).addInteger(number).addBoolean(filtered);
    }

    private static boolean contains(String[] values, String value) {
        for (String v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}
