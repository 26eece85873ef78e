package io.strato.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IgnoreRulesTest {

    private final IgnoreRules rules = IgnoreRules.parse(List.of(
            "# build output",
            "",
            "*.log",
            "!keep.log",
            "/build",
            "node_modules/",
            "docs/**/*.md",
            "tmp?",
            "secret[0-9].txt",
            "config/local.yml   "));

    @Test
    void starMatchesNamesAtAnyDepth() {
        assertTrue(rules.ignored("app.log", false));
        assertTrue(rules.ignored("logs/deep/app.log", false));
        assertFalse(rules.ignored("app.log.txt", false));
    }

    @Test
    void negationReincludes() {
        assertFalse(rules.ignored("keep.log", false));
        assertFalse(rules.ignored("sub/keep.log", false));
    }

    @Test
    void leadingSlashAnchorsAtRoot() {
        assertTrue(rules.ignored("build", true));
        assertFalse(rules.ignored("src/build", true));
    }

    @Test
    void trailingSlashMatchesDirectoriesOnly() {
        assertTrue(rules.ignored("node_modules", true));
        assertTrue(rules.ignored("web/node_modules", true));
        assertFalse(rules.ignored("node_modules", false));
    }

    @Test
    void doubleStarCrossesDirectories() {
        assertTrue(rules.ignored("docs/a.md", false));
        assertTrue(rules.ignored("docs/x/y/a.md", false));
        assertFalse(rules.ignored("src/docs/a.md", false));
        assertFalse(rules.ignored("docs/a.txt", false));
    }

    @Test
    void questionMarkAndClasses() {
        assertTrue(rules.ignored("tmp1", false));
        assertFalse(rules.ignored("tmp12", false));
        assertTrue(rules.ignored("secret7.txt", false));
        assertFalse(rules.ignored("secretX.txt", false));
    }

    @Test
    void pathPatternsAreAnchoredAndTrailingSpacesDropped() {
        assertTrue(rules.ignored("config/local.yml", false));
        assertFalse(rules.ignored("x/config/local.yml", false));
    }

    @Test
    void regexCharactersInPatternsAreLiteral() {
        IgnoreRules literal = IgnoreRules.parse(List.of("a+b.(x)"));
        assertTrue(literal.ignored("a+b.(x)", false));
        assertFalse(literal.ignored("aab.(x)", false));
    }
}
