package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WaitVerbTest {

    @Test
    void acceptsSecondsAsADecimal() {
        assertEquals(Map.of("seconds", 2.5), accepts("WAIT", "--seconds 2.5").options());
        assertEquals(Map.of("seconds", 3.0), accepts("WAIT", "--seconds=3").options());
    }

    @Test
    void acceptsAUrlOrACommandWithRetries() {
        assertEquals(Map.of("url", "https://example.com/health", "retry", 10L, "retry-wait", 0.5),
                accepts("WAIT", "--url https://example.com/health --retry 10 --retry-wait 0.5").options());
        accepts("WAIT", "--url http://localhost:8080/");
        accepts("WAIT", "--url 'http://{{ query.db.ip }}:5432/'");
        accepts("WAIT", "--url {{ health_url }}");
        assertEquals(Map.of("cmd", "pg_isready -h db", "retry", 0L),
                accepts("WAIT", "--cmd 'pg_isready -h db' --retry 0").options());
    }

    @Test
    void rejectsNoneOfTheThreeModesAtTheEndOfTheLine() {
        rejects("WAIT", "", "WAIT needs one of --seconds, --url or --cmd", 1);
        rejects("WAIT", "--run-once", "WAIT needs one of --seconds, --url or --cmd", 11);
    }

    @Test
    void rejectsTwoModesAtTheSecond() {
        rejects("WAIT", "--cmd true --seconds 5",
                "WAIT takes only one of --seconds, --url or --cmd, found --seconds and --cmd", 1);
        rejects("WAIT", "--seconds 5 --url http://a/",
                "WAIT takes only one of --seconds, --url or --cmd, found --seconds and --url", 13);
    }

    @Test
    void rejectsAUrlThatIsNotHttp() {
        rejects("WAIT", "--retry 3 --url ftp://files/",
                "option '--url' must start with http:// or https://, got 'ftp://files/'", 11);
        rejects("WAIT", "--url=example.com", "option '--url' must start with http:// or https://, got 'example.com'", 1);
    }

    @Test
    void rejectsRetriesWithSeconds() {
        rejects("WAIT", "--seconds 5 --retry 3", "option '--retry' only goes with --url or --cmd", 13);
        rejects("WAIT", "--retry-wait 1 --seconds 5", "option '--retry-wait' only goes with --url or --cmd", 1);
    }

    @Test
    void rejectsBadNumbers() {
        rejects("WAIT", "--seconds soon", "option '--seconds' needs a number, got 'soon'", 1);
        rejects("WAIT", "--url http://a/ --retry-wait -1", "option '--retry-wait' must be 0 or more, got -1", 17);
        rejects("WAIT", "--cmd true --retry 2.5", "option '--retry' needs a whole number, got '2.5'", 12);
    }

    @Test
    void rejectsAPayload() {
        rejects("WAIT", "--seconds 5 now", "WAIT takes no payload, found 'now'", 13);
    }
}
