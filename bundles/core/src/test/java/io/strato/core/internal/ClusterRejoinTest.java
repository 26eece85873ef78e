package io.strato.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ClusterRejoinTest {

    private static final String N1 = "127.0.0.1:20703";
    private static final String N2 = "127.0.0.1:20803";
    private static final String N3 = "127.0.0.1:20903";

    private static Optional<String> target(Set<String> running, List<String> known, Set<String> answering) {
        return ClusterRejoin.mergeTarget(new TreeSet<>(running), known, answering::contains);
    }

    @Test
    void aNodeLeftAloneMergesIntoAMemberItKnowsThatAnswers() {
        assertEquals(Optional.of(N1), target(Set.of(N3), List.of(N1, N2), Set.of(N1, N2)));
        assertEquals(Optional.of(N2), target(Set.of(N3), List.of(N1, N2), Set.of(N2)));
    }

    @Test
    void theBiggerSideNeverMoves() {
        assertEquals(Optional.empty(), target(Set.of(N1, N2), List.of(N2, N3), Set.of(N1, N2, N3)));
    }

    @Test
    void nothingToDoWhenEveryKnownMemberIsThereOrNoneAnswers() {
        assertEquals(Optional.empty(), target(Set.of(N1, N2, N3), List.of(N1, N2), Set.of(N1, N2, N3)));
        assertEquals(Optional.empty(), target(Set.of(N3), List.of(N1, N2), Set.of()));
        assertEquals(Optional.empty(), target(Set.of(N1), List.of(), Set.of(N1)));
    }

    @Test
    void anEvenSplitMovesExactlyOneSide() {
        Optional<String> fromN1 = target(Set.of(N1), List.of(N2), Set.of(N1, N2));
        Optional<String> fromN2 = target(Set.of(N2), List.of(N1), Set.of(N1, N2));
        assertEquals(Optional.empty(), fromN1);
        assertEquals(Optional.of(N1), fromN2);
    }
}
