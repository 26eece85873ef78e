package io.strato.store;

import java.io.IOException;
import java.util.Optional;

/** What the {@code kato:store-*} commands ask the store. */
public interface StoreShell {

    /** Mode, where the databases are (no credentials), the network server this node runs, the pool's use. */
    String status();

    /**
     * Switches this node to mode=server. @return what happened, for the admin
     * @throws IllegalStateException when this node must not serve (it uses another database); the message says what to do
     */
    String serve(Optional<Integer> port) throws IOException;
}
