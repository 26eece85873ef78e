package io.strato.role.controller.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kato:user-add alice --password p --admin} works as documented, though Karaf wants options first. */
class TrailingOptionsTest {

    @Test
    void optionsAfterTheNameAreRead() {
        TrailingOptions o = TrailingOptions.parse(List.of("--password", "s3cret-pw", "--admin"), true, "usage");
        assertEquals("s3cret-pw", o.password);
        assertTrue(o.admin);
        assertEquals("x", TrailingOptions.parse(List.of("--password=x"), true, "usage").password);
        assertFalse(TrailingOptions.parse(null, true, "usage").admin);
        TrailingOptions in = TrailingOptions.parse(List.of("--org", "team", "-s", "dev"), true, "usage");
        assertEquals("team", in.org);
        assertEquals("dev", in.space);
        assertThrows(IllegalArgumentException.class, () -> TrailingOptions.parse(List.of("--org", "x"), false, "u"),
                "kato:user-passwd has no --org");
    }

    @Test
    void anythingElseIsRefusedWithTheUsage() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> TrailingOptions.parse(List.of("--bogus"), true, "kato:user-add <name>")).getMessage();
        assertEquals("unexpected '--bogus'; usage: kato:user-add <name>", message);
        assertThrows(IllegalArgumentException.class, () -> TrailingOptions.parse(List.of("--admin"), false, "u"));
        assertThrows(IllegalArgumentException.class, () -> TrailingOptions.parse(List.of("--password"), true, "u"));
    }
}
