package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The text of a service property a plugin supplied (a command's scope and functions, a handler's topics), read without
 * running any of the plugin's code: a String, the Strings of a String[], or those of a collection of the JDK's own
 * classes (copied in one step; one changed meanwhile is no text). Anything else is no text: its {@code toString} or
 * iterator is the plugin's code, which the security manager's service hooks ran on the thread of whoever looked the
 * service up (red team 16: a scope whose {@code toString} never returned hung the operator's console and the deploy
 * watcher). The one reading for the security manager's service hooks.
 */
final class PluginTexts {

    private PluginTexts() {
    }

    /** The property's Strings (empty for null), or null when it is not text. */
    static List<String> of(Object property) {
        if (property == null) {
            return List.of();
        }
        if (property instanceof String text) {
            return List.of(text);
        }
        Object[] elements;
        if (property instanceof String[] many) {
            elements = many.clone();
        } else if (property instanceof Collection<?> collection && collection.getClass().getClassLoader() == null) {
            try {
                elements = collection.toArray();
            } catch (RuntimeException changedMeanwhile) {
                return null;
            }
        } else {
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (Object element : elements) {
            if (element instanceof String text) {
                texts.add(text);
            } else if (element != null) {
                return null;
            }
        }
        return texts;
    }

    /** One String: the property itself, or null when it is absent or no single String. */
    static String single(Object property) {
        return property instanceof String text ? text : null;
    }
}
