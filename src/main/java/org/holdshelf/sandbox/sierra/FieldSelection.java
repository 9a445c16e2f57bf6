package org.holdshelf.sandbox.sierra;

import java.util.HashSet;
import java.util.Set;

/**
 * Sierra's {@code fields=} parameter: without it a record has its default properties; with it,
 * only {@code id} and the listed properties ({@code default} stands for the default set).
 * Properties outside the default set (patron names, emails, ...) appear only when listed.
 */
final class FieldSelection {

    private final Set<String> included;

    private FieldSelection(Set<String> included) {
        this.included = included;
    }

    static FieldSelection of(String fieldsParameter, Set<String> defaults) {
        if (fieldsParameter == null || fieldsParameter.isBlank()) {
            return new FieldSelection(defaults);
        }
        Set<String> included = new HashSet<>();
        for (String field : fieldsParameter.split(",")) {
            String name = field.strip();
            if (name.equals("default")) {
                included.addAll(defaults);
            } else if (!name.isEmpty()) {
                included.add(name);
            }
        }
        return new FieldSelection(included);
    }

    boolean includes(String field) {
        return field.equals("id") || included.contains(field);
    }
}
