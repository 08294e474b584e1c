package org.otaplatform.plan.wave;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.otaplatform.plan.plan.PlanRequest;

/**
 * Which devices a wave may take. A device belongs to the first wave whose list names it or its gateway;
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
 */
public record WaveFilter(
        boolean unlisted, String[] devices, String[] gateways, String[] laterDevices, String[] laterGateways) {

    /** Every device: a plan without waves. */
    public static final WaveFilter ALL =
            new WaveFilter(true, new String[0], new String[0], new String[0], new String[0]);

    /** The filter of wave {@code number} (1-based) of these waves. */
    public static WaveFilter of(List<PlanRequest.Wave> waves, int number) {
        Set<String> devices = new LinkedHashSet<>();
        Set<String> gateways = new LinkedHashSet<>();
        Set<String> laterDevices = new LinkedHashSet<>();
        Set<String> laterGateways = new LinkedHashSet<>();
        for (int i = 0; i < waves.size(); i++) {
            PlanRequest.Wave w = waves.get(i);
            (i < number ? devices : laterDevices).addAll(orEmpty(w.devices()));
            (i < number ? gateways : laterGateways).addAll(orEmpty(w.gateways()));
        }
        return new WaveFilter(
                !waves.get(number - 1).listed(),
                devices.toArray(new String[0]),
                gateways.toArray(new String[0]),
                laterDevices.toArray(new String[0]),
                laterGateways.toArray(new String[0]));
    }

    /** Whether the wave takes this device (the same rule as {@link #sql}). */
    public boolean takes(String deviceKey, String gatewayId) {
        boolean named = contains(devices, deviceKey) || contains(gateways, gatewayId);
        boolean namedLater = contains(laterDevices, deviceKey) || contains(laterGateways, gatewayId);
        return named || (unlisted && !namedLater);
    }

    /**
     * The rule as SQL over a device's key and gateway columns, with the filter's five values as parameters
     * {@code $first} to {@code $first+4}, in the order of the record.
     */
    public static String sql(String deviceKey, String gatewayId, int first) {
        String named =
                "(" + deviceKey + " = ANY($" + (first + 1) + ") OR " + gatewayId + " = ANY($" + (first + 2) + "))";
        String namedLater =
                "(" + deviceKey + " = ANY($" + (first + 3) + ") OR " + gatewayId + " = ANY($" + (first + 4) + "))";
        return "(" + named + " OR ($" + first + " AND NOT " + namedLater + "))";
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
