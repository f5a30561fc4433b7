package io.director.client.template;

import java.util.Map;

/** Renders Jinja-syntax templates with the node's variables. (Skeleton: being implemented.) */
public final class TemplateRenderer {

    /** Renders {@code template} with {@code variables}; an undefined variable is an error naming it. */
    public String render(String template, Map<String, Object> variables) throws TemplateException {
        return template;
    }
}
