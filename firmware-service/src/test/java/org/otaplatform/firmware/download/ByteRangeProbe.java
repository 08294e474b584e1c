package org.otaplatform.firmware.download;

/** Reads ByteRange outcomes as short strings for table-driven tests. */
public final class ByteRangeProbe {

    private ByteRangeProbe() {}

    public static String describe(String header, long size) {
        ByteRange range = ByteRange.of(header, size);
        if (range instanceof ByteRange.Partial p) {
            return p.first() + "-" + p.last();
        }
        return range instanceof ByteRange.Full ? "FULL" : "UNSATISFIABLE";
    }
}
