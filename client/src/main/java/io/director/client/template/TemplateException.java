package io.director.client.template;

/** A template that cannot be rendered; the message names what is wrong (e.g. the undefined variable). */
public final class TemplateException extends Exception {

    public TemplateException(String message) {
        super(message);
    }
}
