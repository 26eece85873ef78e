package io.strato.core.internal;

import java.util.Optional;

/** Whether this node is on the side of its cluster that may act (the bigger side of a split). */
interface Quorum {

    /** Why this node is cut off from most of its cluster ("it cannot see 2 of the 3 members it knows: ..."), or empty. */
    Optional<String> cutOff();
}
