package io.strato.core.internal;

import java.util.Optional;

/** Asks the cluster, before installing the primary role, whether another live node already holds it. */
interface PrimaryGuard {

    /** The refusal message when another live node is primary, else empty. */
    Optional<String> conflict();
}
