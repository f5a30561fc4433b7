package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JailVerbTest {

    @Test
    void acceptsCreateWithEveryOptionItTakes() throws Exception {
        JobDefinition definition = accepts("JAIL", "--template busybox --hostname web1.example --network host "
                + "--mount /srv/data:/data:ro --mount /srv/logs:/logs --memory 64M --cpus 0.5 --env A=1 --env B= "
                + "--restart on-failure --autostart create web1");
        assertEquals(List.of("/srv/data:/data:ro", "/srv/logs:/logs"), definition.list("mount"));
        assertEquals(0.5, definition.decimal("cpus", 0));
        assertEquals(new JailVerb.Request("create", "web1", List.of()), JailVerb.request(definition.payload()));
        accepts("JAIL", "--root /var/jails/web create web");
        accepts("JAIL", "--template {{ template }} --memory {{ mem }} create {{ node.identity }}-web");
    }

    @Test
    void acceptsTheOtherActions() throws Exception {
        assertEquals(new JailVerb.Request("start", "web", List.of()), JailVerb.request("start web"));
        assertEquals(new JailVerb.Request("start", "web", List.of("/bin/httpd", "-f")),
                JailVerb.request(accepts("JAIL", "start web -- /bin/httpd -f").payload()));
        assertEquals(new JailVerb.Request("exec", "web", List.of("sh", "-c", "echo a b")),
                JailVerb.request(accepts("JAIL", "exec web -- sh -c 'echo a b'").payload()));
        assertEquals(Map.of("timeout", 5L), accepts("JAIL", "--timeout 5 stop web").options());
        assertTrue(accepts("JAIL", "--force destroy web").flag("force"));
        accepts("JAIL", "status a.b_c-1");
        assertEquals(new JailVerb.Request("list", null, List.of()), JailVerb.request(accepts("JAIL", "list").payload()));
    }

    @Test
    void jailActionsAlwaysRunAndAreNotOnlyVariables() {
        Verb verb = VerbRegistry.standard().find("jail").orElseThrow();
        assertTrue(verb.alwaysRuns());
        assertEquals(false, verb.changesOnlyVariables());
    }

    @Test
    void rejectsAMissingOrUnknownAction() {
        rejects("JAIL", "", "JAIL needs an action: create, start, exec, stop, destroy, status, list", 1);
        rejects("JAIL", "--force", "JAIL needs an action: create, start, exec, stop, destroy, status, list", 8);
        rejects("JAIL", "boot web", "unknown JAIL action 'boot' (known: create, start, exec, stop, destroy, status, "
                + "list)", 1);
    }

    @Test
    void rejectsAMissingBadOrExtraName() {
        rejects("JAIL", "status", "JAIL status needs a jail name", 7);
        rejects("JAIL", "exec -- ls", "JAIL exec needs a jail name", 6);
        rejects("JAIL", "status -web", "jail name '-web' is not valid: use 1 to 63 letters, digits, '.', '_' or "
                + "'-', starting with a letter or digit", 8);
        rejects("JAIL", "status " + "a".repeat(64), "jail name '" + "a".repeat(64) + "' is not valid: use 1 to 63 "
                + "letters, digits, '.', '_' or '-', starting with a letter or digit", 8);
        rejects("JAIL", "stop web db", "JAIL stop takes one jail name, found another word 'db'", 10);
        rejects("JAIL", "start web /bin/httpd", "JAIL start takes one jail name, found another word '/bin/httpd': put "
                + "the command after '--'", 11);
        rejects("JAIL", "list web", "JAIL list takes no jail name, found 'web'", 6);
    }

    @Test
    void rejectsOptionsWrittenAfterTheAction() {
        rejects("JAIL", "create web --root /srv/web", "option '--root' must come before the action: write 'JAIL "
                + "--root … create …'", 12);
    }

    @Test
    void rejectsCommandsWhereNoneGoesAndExecWithoutOne() {
        rejects("JAIL", "stop web -- now", "JAIL stop takes no command", 10);
        rejects("JAIL", "exec web", "JAIL exec needs a command after '--'", 9);
        rejects("JAIL", "exec web --", "JAIL exec needs a command after '--'", 12);
    }

    @Test
    void rejectsCreateWithoutExactlyOneRoot() {
        rejects("JAIL", "--hostname h create web", "JAIL create needs --root DIR or --template NAME", 14);
        rejects("JAIL", "--root /srv/web --template busybox create web",
                "JAIL create takes only one of --root or --template, found both", 17);
    }

    @Test
    void rejectsOptionsOfOtherActions() {
        rejects("JAIL", "--template busybox start web", "option '--template' only goes with JAIL create, not start",
                1);
        rejects("JAIL", "--timeout 5 --force stop web", "option '--force' only goes with JAIL destroy, not stop", 13);
        rejects("JAIL", "--memory 1G exec web -- ls", "option '--memory' only goes with JAIL create, not exec", 1);
        rejects("JAIL", "--autostart status web", "option '--autostart' only goes with JAIL create, not status", 1);
    }

    @Test
    void rejectsBadOptionValuesWhereWritten() {
        rejects("JAIL", "--root srv/web create web", "option '--root' needs an absolute path, got 'srv/web'", 1);
        rejects("JAIL", "--template ../x create web", "option '--template' needs a template name (letters, digits, "
                + "'.', '_', '-'), got '../x'", 1);
        rejects("JAIL", "--template busybox --hostname bad_host create web", "option '--hostname' needs a host name "
                + "(letters, digits, '-', dot-separated labels), got 'bad_host'", 20);
        rejects("JAIL", "--template busybox --network bridge create web",
                "option '--network' needs one of none, host, got 'bridge'", 20);
        rejects("JAIL", "--template busybox --restart sometimes create web",
                "option '--restart' needs one of no, on-failure, always, got 'sometimes'", 20);
        rejects("JAIL", "--template busybox --memory 64X create web",
                "option '--memory' needs a size above 0 such as 64M or 1G, got '64X'", 20);
        rejects("JAIL", "--template busybox --memory 0 create web",
                "option '--memory' needs a size above 0 such as 64M or 1G, got '0'", 20);
        rejects("JAIL", "--template busybox --cpus 0 create web", "option '--cpus' must be more than 0, got 0.0", 20);
        rejects("JAIL", "--template busybox --env 1A=b create web",
                "option '--env' needs KEY=VALUE with KEY of letters, digits and '_', got '1A=b'", 20);
    }

    @Test
    void rejectsBadMounts() {
        for (String mount : List.of("/a", "a:/b", "/a:b", "/a:/b:rw", "/a:/b:ro:x")) {
            rejects("JAIL", "--template busybox --mount " + mount + " create web",
                    "option '--mount' needs SRC:DST[:ro] with absolute paths, got '" + mount + "'", 20);
        }
        rejects("JAIL", "--mount /a:/b --mount /c:/../etc --template busybox create web",
                "option '--mount' destination may not contain '..', got '/c:/../etc'", 1);
    }

    @Test
    void parsesSizes() {
        assertEquals(64L << 20, JailVerb.parseSize("64M"));
        assertEquals(1L << 30, JailVerb.parseSize("1G"));
        assertEquals(4096, JailVerb.parseSize("4096"));
        assertEquals(-1, JailVerb.parseSize("1.5G"));
    }
}
