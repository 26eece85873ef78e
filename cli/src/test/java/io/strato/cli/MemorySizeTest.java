package io.strato.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemorySizeTest {

    @ParameterizedTest
    @CsvSource({"256,256", "256M,256", "256m,256", "512MB,512", "1G,1024", "2g,2048", "1GB,1024", " 128 ,128", "1.5G,1536"})
    void parsesMegabytesAndGigabytes(String text, int expected) {
        assertEquals(expected, MemorySize.megabytes(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "0", "-1", "256K", "G", "1 024", "99999999999"})
    void rejectsWhatIsNotASize(String text) {
        CliError error = assertThrows(CliError.class, () -> MemorySize.megabytes(text));
        assertTrue(error.getMessage().startsWith("Invalid memory size: "), error.getMessage());
        assertTrue(error.getMessage().contains("'" + text + "'"), error.getMessage());
        assertEquals(1, error.exitCode());
    }

    @Test
    void formatsWholeGigabytesAsG() {
        assertEquals("1G", MemorySize.format(1024));
        assertEquals("256M", MemorySize.format(256));
        assertEquals("1536M", MemorySize.format(1536));
    }
}
