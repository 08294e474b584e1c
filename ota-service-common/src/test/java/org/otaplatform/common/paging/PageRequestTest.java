package org.otaplatform.common.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.otaplatform.common.error.ApiException;

class PageRequestTest {

    /** A page far enough out overflowed the offset into a negative number, and the database answered 500. */
    @Test
    void anOffsetThatWouldOverflowIsA422NamingThePage() {
        assertThatThrownBy(() -> PageRequest.of(String.valueOf(Integer.MAX_VALUE), "500"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.errors()).hasSize(1);
                    assertThat(e.errors().get(0).field()).isEqualTo("page");
                    assertThat(e.errors().get(0).message()).contains("at most " + Integer.MAX_VALUE / 500);
                });
        PageRequest last = PageRequest.of(String.valueOf(Integer.MAX_VALUE / 500), "500");
        assertThat(last.offset()).isPositive().isLessThanOrEqualTo(Integer.MAX_VALUE);
        assertThat(PageRequest.of(null, null).offset()).isZero();
    }

    @Test
    void badNumbersAndRangesAreNamed() {
        assertThatThrownBy(() -> PageRequest.of("x", "0"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.errors()).extracting(f -> f.field()).containsExactly("page"));
        assertThatThrownBy(() -> PageRequest.of("-1", "501"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.errors())
                                .extracting(f -> f.field())
                                .containsExactlyInAnyOrder("page", "size"));
    }
}
