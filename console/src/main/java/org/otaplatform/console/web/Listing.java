package org.otaplatform.console.web;

import io.quarkus.qute.TemplateData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.otaplatform.console.backend.Backend;

/**
 * One page of a list as a table shows it, with the links that keep the filters in the URL: to another
 * page, and to an order by a column ({@code sort=-createdAt}). The services do the paging and sorting.
 */
@TemplateData
public final class Listing {

    private final String path;
    private final Map<String, String> filters;
    private final List<Object> items;
    private final int page;
    private final int size;
    private final long total;
    private final String sort;

    /** {@code reply}: the service's page ({@code items, page, size, total}); {@code filters}: the query kept in links. */
    @SuppressWarnings("unchecked")
    public Listing(String path, Map<String, String> filters, Map<String, Object> reply, String sort) {
        this.path = path;
        this.filters = new LinkedHashMap<>(filters);
        this.filters.values().removeIf(v -> v == null || v.isBlank());
        this.items = new ArrayList<>((List<Object>) reply.getOrDefault("items", List.of()));
        this.page = number(reply.get("page"), 0);
        this.size = number(reply.get("size"), 20);
        this.total = reply.get("total") instanceof Number n ? n.longValue() : items.size();
        this.sort = sort == null ? "" : sort;
    }

    private static int number(Object value, int fallback) {
        return value instanceof Number n ? n.intValue() : fallback;
    }

    public List<Object> items() {
        return items;
    }

    public boolean empty() {
        return items.isEmpty();
    }

    public int page() {
        return page;
    }

    public long total() {
        return total;
    }

    public long pages() {
        return Math.max(1, (total + size - 1) / size);
    }

    /** The one-based number of the page, for people. */
    public int pageNumber() {
        return page + 1;
    }

    public long first() {
        return items.isEmpty() ? 0 : (long) page * size + 1;
    }

    public long last() {
        return (long) page * size + items.size();
    }

    public boolean hasPrevious() {
        return page > 0;
    }

    public boolean hasNext() {
        return (long) (page + 1) * size < total;
    }

    /** This very page again, filters and order kept: to refresh a table. */
    public String current() {
        return link(page, sort);
    }

    public String previous() {
        return link(page - 1, sort);
    }

    public String next() {
        return link(page + 1, sort);
    }

    /** The link that orders by {@code field}: ascending first, then the other way. */
    public String sortBy(String field) {
        String next = sort.equals(field) ? "-" + field : field;
        return link(0, next);
    }

    /** {@code aria-sort} of a column: ascending, descending or none. */
    public String ariaSort(String field) {
        if (sort.equals(field)) {
            return "ascending";
        }
        return sort.equals("-" + field) ? "descending" : "none";
    }

    /** An arrow after a sorted column's name. */
    public String mark(String field) {
        return switch (ariaSort(field)) {
            case "ascending" -> " ▲";
            case "descending" -> " ▼";
            default -> "";
        };
    }

    public String filter(String name) {
        return filters.getOrDefault(name, "");
    }

    private String link(int toPage, String order) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        filters.forEach((k, v) -> {
            if (!k.equals("page") && !k.equals("sort")) {
                query.add(Backend.encode(k) + "=" + Backend.encode(v));
            }
        });
        if (!order.isEmpty()) {
            query.add("sort=" + Backend.encode(order));
        }
        if (toPage > 0) {
            query.add("page=" + toPage);
        }
        return path + query;
    }
}
