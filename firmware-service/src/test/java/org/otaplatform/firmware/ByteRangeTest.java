package org.otaplatform.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.otaplatform.firmware.download.ByteRangeProbe;

class ByteRangeTest {

    @ParameterizedTest(name = "{0} of 1000 bytes → {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "|FULL",
                "bytes=0-99|0-99",
                "bytes=100-|100-999",
                "bytes=-100|900-999",
                "bytes=-5000|0-999",
                "bytes=990-5000|990-999",
                "bytes=999-999|999-999",
                "BYTES=0-0|0-0",
                "bytes=1000-|UNSATISFIABLE",
                "bytes=5000-6000|UNSATISFIABLE",
                "bytes=-0|UNSATISFIABLE",
                "bytes=5-3|FULL",
                "bytes=0-1,5-6|FULL",
                "items=0-5|FULL",
                "bytes=abc|FULL",
                "bytes=-|FULL",
                "bytes=99999999999999999999-|FULL",
                "bytes= 10 - 20 |10-20"
            })
    void readsRangeHeadersAsRfc9110Says(String header, String expected) {
        assertThat(ByteRangeProbe.describe(header, 1000)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"bytes=0-0", "bytes=-1", "bytes=0-"})
    void nothingOfAnEmptyPackageIsSatisfiable(String header) {
        assertThat(ByteRangeProbe.describe(header, 0)).isEqualTo("UNSATISFIABLE");
    }
}
