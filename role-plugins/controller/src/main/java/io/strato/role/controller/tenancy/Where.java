package io.strato.role.controller.tenancy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A WHERE clause built from optional filters: {@link #eq} with a null value and {@link #in} with a null set
 * add nothing; {@link #in} with an empty set matches nothing ({@link #empty()}), so callers skip the query.
 */
public final class Where {

    private final List<String> terms = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();
    private boolean empty;

    public Where eq(String column, Object value) {
        if (value != null) {
            terms.add(column + " = ?");
            params.add(value);
        }
        return this;
    }

    public Where in(String column, Collection<String> values) {
        if (values != null) {
            if (values.isEmpty()) {
                empty = true;
            } else {
                terms.add(column + " IN (" + String.join(", ", java.util.Collections.nCopies(values.size(), "?")) + ")");
                params.addAll(values);
            }
        }
        return this;
    }

    /** A term as is, with its parameters. */
    public Where raw(String term, Object... values) {
        terms.add(term);
        params.addAll(List.of(values));
        return this;
    }

    public boolean empty() {
        return empty;
    }

    public String sql() {
        return terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms);
    }

    public Object[] params() {
        return params.toArray();
    }

    /** The parameters followed by more (paging). */
    public Object[] params(Object... more) {
        List<Object> all = new ArrayList<>(params);
        all.addAll(List.of(more));
        return all.toArray();
    }
}
