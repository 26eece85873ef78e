package io.strato.services.rabbit;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlSocketPathTest {

    /** A node deep in the file system (and Karaf's java.io.tmpdir, data/tmp, as deep) still gets a usable socket path. */
    @Test
    void aDeepDataDirectoryGetsAShortSocketPathOfItsOwn() throws Exception {
        Path deep = Path.of("/tmp/tmp.e505OYIMCs/itests/target/services/nodes/services/data/strato/services/rabbit");
        Path socket = QpidBroker.controlSocket(deep);
        assertTrue(socket.toString().length() <= 107, socket.toString());
        assertTrue(socket.toString().startsWith("/tmp/strato-rabbit-"), socket.toString());
        assertNotEquals(socket, QpidBroker.controlSocket(deep.resolveSibling("rabbit2")), "one per data directory");
        Path shallow = Path.of("/srv/strato/data/rabbit");
        assertEquals(shallow.resolve("control/control.sock"), QpidBroker.controlSocket(shallow));
    }
}
