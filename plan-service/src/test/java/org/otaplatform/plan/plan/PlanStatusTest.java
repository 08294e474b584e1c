package org.otaplatform.plan.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole from × to matrix of the plan life cycle. */
class PlanStatusTest {

    private static final Set<String> ALLOWED = Set.of(
            "DRAFT>ACTIVE",
            "ACTIVE>SUSPENDED",
            "ACTIVE>TERMINATED",
            "ACTIVE>FINISHED",
            "SUSPENDED>ACTIVE",
            "SUSPENDED>TERMINATED",
            "SUSPENDED>FINISHED");

    static Stream<Arguments> everyPair() {
        return Stream.of(PlanStatus.values())
                .flatMap(from -> Stream.of(PlanStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("everyPair")
    void allowsExactlyTheTransitionsOfTheContract(PlanStatus from, PlanStatus to) {
        assertThat(from.canMoveTo(to)).isEqualTo(ALLOWED.contains(from + ">" + to));
    }
}
