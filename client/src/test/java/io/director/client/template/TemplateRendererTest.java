package io.director.client.template;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplateRendererTest {

    private final TemplateRenderer renderer = new TemplateRenderer();

    private static Map<String, Object> vars() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("greeting", "hello");
        vars.put("query", Map.of("node1", Map.of("ip", "10.0.0.1")));
        vars.put("packages", List.of("wget", "curl"));
        vars.put("empty", List.of());
        vars.put("enabled", true);
        vars.put("nothing", null);
        vars.put("node", Map.of("identity", "n1", "labels", Map.of("role", "web")));
        return vars;
    }

    private String render(String template) throws TemplateException {
        return renderer.render(template, vars());
    }

    @Test
    void rendersAVariableInAShellCommand() throws Exception {
        assertEquals("echo hello", render("echo {{ greeting }}"));
    }

    @Test
    void rendersNestedMapsWithDots() throws Exception {
        assertEquals("ping 10.0.0.1", render("ping {{ query.node1.ip }}"));
    }

    @Test
    void defaultFilterReplacesAnUndefinedNameDespiteStrictChecking() throws Exception {
        assertEquals("x", render("{{ name | default('x') }}"));
        assertEquals("none", render("{{ query.node2.ip | default('none') }}"));
        assertEquals("hello", render("{{ greeting | default('x') }}"));
    }

    @Test
    void undefinedVariableIsAnErrorNamingIt() {
        TemplateException e = assertThrows(TemplateException.class, () -> render("echo {{ greeting2 }}"));
        assertEquals("undefined variable 'greeting2'", e.getMessage());
    }

    @Test
    void undefinedVariableInsideAConditionIsNamedToo() {
        TemplateException e = assertThrows(TemplateException.class, () -> render("{% if missing == 1 %}y{% endif %}"));
        assertEquals("undefined variable 'missing'", e.getMessage());
    }

    @Test
    void undefinedVariableInAMultiLineTemplateNamesItsLine() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> render("server {\n  listen 80;\n  root {{ docroot }};\n}"));
        assertEquals("undefined variable 'docroot' at line 3", e.getMessage());
    }

    @Test
    void undefinedAttributeIsAnErrorNamingIt() {
        TemplateException e = assertThrows(TemplateException.class, () -> render("{{ query.node9.ip }}"));
        assertEquals("undefined attribute 'node9'", e.getMessage());
    }

    @Test
    void syntaxErrorNamesItsLine() {
        TemplateException e = assertThrows(TemplateException.class, () -> render("first\nsecond {{ greeting }"));
        assertTrue(e.getMessage().startsWith("template error at line 2: "), e.getMessage());
    }

    @Test
    void unclosedIfIsASyntaxError() {
        TemplateException e = assertThrows(TemplateException.class, () -> render("{% if enabled %}on"));
        assertTrue(e.getMessage().contains("endif"), e.getMessage());
    }

    @Test
    void ifElifElseChoosesTheFirstTrueBranch() throws Exception {
        String template = "{% if greeting == 'bye' %}a{% elif enabled %}b{% else %}c{% endif %}";
        assertEquals("b", render(template));
        assertEquals("c", render("{% if not enabled %}a{% elseif greeting == 'bye' %}b{% else %}c{% endif %}"));
    }

    @Test
    void listsMapsAndNullAreTrueOrFalseAsInJinja() throws Exception {
        assertEquals("yes", render("{% if packages %}yes{% else %}no{% endif %}"));
        assertEquals("no", render("{% if empty %}yes{% else %}no{% endif %}"));
        assertEquals("yes", render("{% if query %}yes{% else %}no{% endif %}"));
        assertEquals("no", render("{% if nothing %}yes{% else %}no{% endif %}"));
        assertEquals("no", render("{% if '' %}yes{% else %}no{% endif %}"));
    }

    @Test
    void isDefinedTestsWithoutFailing() throws Exception {
        assertEquals("undefined", render("{% if name is defined %}{{ name }}{% else %}undefined{% endif %}"));
    }

    @Test
    void forLoopsOverAList() throws Exception {
        assertEquals("dnf install -y wget curl",
                render("dnf install -y{% for p in packages %} {{ p }}{% endfor %}"));
        assertEquals("wget,curl.", render("{% for p in packages %}{{ p }}{% if not loop.last %},{% endif %}{% endfor %}."));
    }

    @Test
    void sortAndReverseReturnNewListsAsInJinja() throws Exception {
        Map<String, Object> vars = Map.of("names", List.of("b", "c", "a"));
        assertEquals("abc cba bca", renderer.render(
                "{{ names | sort | join }} {{ names | sort | reverse | join }} {{ names | join }}", vars));
    }

    @Test
    void aJavaErrorInAFilterIsATemplateError() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> renderer.render("{{ 'x' | abs }}", Map.of()));
        assertTrue(e.getMessage().startsWith("template error"), e.getMessage());
    }

    @Test
    void nodeVariableGivesIdentityAndLabels() throws Exception {
        assertEquals("/srv/n1/web", render("/srv/{{ node.identity }}/{{ node.labels.role }}"));
    }

    @Test
    void nothingIsEscapedBecausePayloadsAreShellCommands() throws Exception {
        Map<String, Object> vars = Map.of("cmd", "a < b && echo \"it's\" > /tmp/x");
        assertEquals("a < b && echo \"it's\" > /tmp/x", renderer.render("{{ cmd }}", vars));
    }

    @Test
    void newlinesAfterTagsAreKeptAsJinjaDoes() throws Exception {
        assertEquals("a\n\nwget\n\nz", render("a\n{% if enabled %}\n{{ packages | first }}\n{% endif %}\nz"));
        assertEquals("a\nwget\nz", render("a\n{%- if enabled %}\n{{ packages | first }}\n{%- endif %}\nz"));
    }

    @Test
    void textWithoutTemplateSyntaxIsReturnedAsIsEvenWithStrayBraces() throws Exception {
        String text = "awk '{ print $1 }' /etc/passwd } {";
        assertSame(text, renderer.render(text, Map.of()));
        assertEquals(0, renderer.cachedTemplates());
    }

    @Test
    void compiledTemplatesAreCachedWithinABound() throws Exception {
        for (int i = 0; i < TemplateRenderer.CACHE_ENTRIES + 10; i++) {
            assertEquals("hello " + i, renderer.render("{{ greeting }} " + i, vars()));
        }
        assertEquals(TemplateRenderer.CACHE_ENTRIES, renderer.cachedTemplates());
        Map<String, Object> other = new LinkedHashMap<>(vars());
        other.put("greeting", "bonjour");
        assertEquals("bonjour 300", renderer.render("{{ greeting }} 300", other), "a cached template sees new values");
    }
}
