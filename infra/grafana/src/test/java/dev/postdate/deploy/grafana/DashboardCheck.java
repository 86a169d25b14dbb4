package dev.postdate.deploy.grafana;

import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What makes the dashboard importable and honest: Grafana's structure (an uid, a title, panels with
 * unique ids and a place on the grid, queries against the {@code datasource} variable) and PromQL that
 * reads only metrics Postdate exports. Each check answers a list of problems, empty when there is
 * none, so that a failing test names every one at once.
 */
final class DashboardCheck {

    private static final String DATASOURCE_VARIABLE = "datasource";
    private static final String DATASOURCE_REFERENCE = "${" + DATASOURCE_VARIABLE + "}";
    private static final int GRID_COLUMNS = 24;
    /** Grafana refuses longer uids. */
    private static final Pattern UID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final Pattern VARIABLE_USE = Pattern.compile("\\$\\{?(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("(?s)\\s*label_values\\s*\\((.*),\\s*\\w+\\s*\\)\\s*");
    private static final Pattern QUERY_RESULT = Pattern.compile("(?s)\\s*query_result\\s*\\((.*)\\)\\s*");

    /** A PromQL expression and where it stands in the dashboard, for the messages. */
    record Query(String where, String expr) {
    }

    private DashboardCheck() {
    }

    static JsonNode parse(String json) {
        try {
            return ObjectMapper.getDefault().readValue(json, JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + e.getMessage(), e);
        }
    }

    static List<String> structureProblems(JsonNode dashboard) {
        List<String> problems = new ArrayList<>();
        if (!dashboard.isObject()) {
            return List.of("the dashboard is not a JSON object");
        }
        String uid = text(dashboard, "uid");
        if (uid == null || !UID.matcher(uid).matches()) {
            problems.add("uid must be 1 to 40 letters, digits, '-' or '_', not " + uid);
        }
        if (isBlank(text(dashboard, "title"))) {
            problems.add("the dashboard has no title");
        }
        JsonNode schemaVersion = dashboard.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isNumber() || schemaVersion.getIntValue() < 36) {
            problems.add("schemaVersion must be a number of at least 36 (datasources referenced by uid)");
        }
        Set<String> variables = variableProblems(dashboard, problems);
        JsonNode panels = dashboard.get("panels");
        if (panels == null || !panels.isArray() || panels.size() == 0) {
            problems.add("the dashboard has no panels");
            return problems;
        }
        if (!"row".equals(text(panels.get(0), "type"))) {
            problems.add("the first panel must be a row: every panel belongs to the row of its component");
        }
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> onTheGrid = new ArrayList<>();
        for (JsonNode panel : panels.values()) {
            panelProblems(panel, ids, problems);
            onTheGrid.add(panel);
            JsonNode inRow = panel.get("panels");
            if (inRow != null && inRow.isArray()) {
                // A collapsed row keeps its panels inside itself, on a grid of their own.
                for (JsonNode nested : inRow.values()) {
                    panelProblems(nested, ids, problems);
                }
            }
        }
        overlapProblems(onTheGrid, problems);
        for (Query query : queries(dashboard)) {
            Matcher use = VARIABLE_USE.matcher(query.expr());
            while (use.find()) {
                String name = use.group(1);
                if (!name.startsWith("__") && !variables.contains(name)) {
                    problems.add(query.where() + ": uses $" + name + ", which is no template variable");
                }
            }
        }
        return problems;
    }

    /** Metric names the queries read that are neither in {@code exported} nor written by Prometheus. */
    static List<String> unknownMetrics(JsonNode dashboard, Set<String> exported) {
        List<String> problems = new ArrayList<>();
        for (Query query : queries(dashboard)) {
            Set<String> unknown = new TreeSet<>(PromQl.metricNames(query.expr()));
            unknown.removeAll(exported);
            unknown.removeAll(ExportedMetrics.PROMETHEUS_SERIES);
            for (String name : unknown) {
                problems.add(query.where() + ": " + name + " is not a metric Postdate exports");
            }
        }
        return problems;
    }

    /**
     * Every PromQL expression of the dashboard: panel targets, also in collapsed rows, and the PromQL
     * inside variable queries.
     */
    static List<Query> queries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        JsonNode panels = dashboard.get("panels");
        if (panels != null) {
            for (JsonNode panel : panels.values()) {
                panelQueries(panel, queries);
                JsonNode inRow = panel.get("panels");
                if (inRow != null) {
                    for (JsonNode nested : inRow.values()) {
                        panelQueries(nested, queries);
                    }
                }
            }
        }
        for (JsonNode variable : templateVariables(dashboard)) {
            if ("query".equals(text(variable, "type"))) {
                JsonNode query = variable.get("query");
                String expr = query != null && query.isObject() ? text(query, "query") : text(variable, "query");
                if (expr != null) {
                    queries.add(new Query("variable " + text(variable, "name"), selectorOf(expr)));
                }
            }
        }
        return queries;
    }

    private static void panelQueries(JsonNode panel, List<Query> queries) {
        JsonNode targets = panel.get("targets");
        if (targets == null) {
            return;
        }
        for (JsonNode target : targets.values()) {
            String expr = text(target, "expr");
            if (expr != null) {
                queries.add(new Query(where(panel) + " target " + text(target, "refId"), expr));
            }
        }
    }

    /**
     * Grafana's variable functions around PromQL: only their selector or expression is PromQL, the
     * label name after it is not a metric.
     */
    private static String selectorOf(String query) {
        for (Pattern function : List.of(LABEL_VALUES, QUERY_RESULT)) {
            Matcher matcher = function.matcher(query);
            if (matcher.matches()) {
                return matcher.group(1);
            }
        }
        return query;
    }

    private static Set<String> variableProblems(JsonNode dashboard, List<String> problems) {
        Set<String> names = new HashSet<>();
        boolean datasource = false;
        for (JsonNode variable : templateVariables(dashboard)) {
            String name = text(variable, "name");
            if (isBlank(name) || !names.add(name)) {
                problems.add("template variable without a name, or named twice: " + name);
                continue;
            }
            String type = text(variable, "type");
            if (DATASOURCE_VARIABLE.equals(name)) {
                datasource = "datasource".equals(type) && "prometheus".equals(text(variable, "query"));
            } else if ("query".equals(type) && !refersToDatasourceVariable(variable.get("datasource"))) {
                problems.add("variable " + name + " must query the datasource " + DATASOURCE_REFERENCE);
            }
        }
        if (!datasource) {
            problems.add("the template variable '" + DATASOURCE_VARIABLE + "' must be of type datasource "
                    + "with query prometheus");
        }
        return names;
    }

    private static void panelProblems(JsonNode panel, Set<Integer> ids, List<String> problems) {
        String where = where(panel);
        JsonNode id = panel.get("id");
        if (id == null || !id.isNumber()) {
            problems.add(where + ": no numeric id");
        } else if (!ids.add(id.getIntValue())) {
            problems.add(where + ": id " + id.getIntValue() + " is used twice");
        }
        String type = text(panel, "type");
        if (isBlank(type)) {
            problems.add(where + ": no type");
        }
        if (isBlank(text(panel, "title"))) {
            problems.add(where + ": no title");
        }
        gridProblems(panel, where, problems);
        if ("row".equals(type)) {
            return;
        }
        if (isBlank(text(panel, "description"))) {
            problems.add(where + ": no description (what it shows, from which metric)");
        }
        if (!refersToDatasourceVariable(panel.get("datasource"))) {
            problems.add(where + ": the datasource must be {\"type\": \"prometheus\", \"uid\": \""
                    + DATASOURCE_REFERENCE + "\"}");
        }
        JsonNode targets = panel.get("targets");
        if (targets == null || !targets.isArray() || targets.size() == 0) {
            problems.add(where + ": no targets");
            return;
        }
        Set<String> refIds = new HashSet<>();
        for (JsonNode target : targets.values()) {
            String refId = text(target, "refId");
            if (isBlank(refId) || !refIds.add(refId)) {
                problems.add(where + ": a target without refId, or refId " + refId + " twice");
            }
            if (isBlank(text(target, "expr"))) {
                problems.add(where + " target " + refId + ": no expr");
            }
            JsonNode datasource = target.get("datasource");
            if (datasource != null && !refersToDatasourceVariable(datasource)) {
                problems.add(where + " target " + refId + ": its datasource must be the panel's, "
                        + DATASOURCE_REFERENCE);
            }
        }
    }

    private static void gridProblems(JsonNode panel, String where, List<String> problems) {
        JsonNode grid = panel.get("gridPos");
        if (grid == null || !grid.isObject()) {
            problems.add(where + ": no gridPos");
            return;
        }
        for (String field : List.of("h", "w", "x", "y")) {
            JsonNode value = grid.get(field);
            if (value == null || !value.isNumber() || value.getIntValue() < 0) {
                problems.add(where + ": gridPos." + field + " must be a number of at least 0");
                return;
            }
        }
        int w = grid.get("w").getIntValue();
        if (grid.get("h").getIntValue() < 1 || w < 1 || grid.get("x").getIntValue() + w > GRID_COLUMNS) {
            problems.add(where + ": gridPos must be at least 1x1 and end within " + GRID_COLUMNS + " columns");
        }
    }

    /** Grafana moves overlapping panels around on load: the layout would not be the one checked in. */
    private static void overlapProblems(List<JsonNode> panels, List<String> problems) {
        for (int i = 0; i < panels.size(); i++) {
            for (int j = i + 1; j < panels.size(); j++) {
                int[] a = rectangle(panels.get(i));
                int[] b = rectangle(panels.get(j));
                if (a != null && b != null && a[0] < b[0] + b[2] && b[0] < a[0] + a[2]
                        && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]) {
                    problems.add(where(panels.get(i)) + " overlaps " + where(panels.get(j)));
                }
            }
        }
    }

    /** x, y, w, h; null when the grid position is unusable (reported on its own). */
    private static int[] rectangle(JsonNode panel) {
        JsonNode grid = panel.get("gridPos");
        if (grid == null) {
            return null;
        }
        int[] values = new int[4];
        String[] fields = {"x", "y", "w", "h"};
        for (int k = 0; k < fields.length; k++) {
            JsonNode value = grid.get(fields[k]);
            if (value == null || !value.isNumber()) {
                return null;
            }
            values[k] = value.getIntValue();
        }
        return values;
    }

    private static boolean refersToDatasourceVariable(JsonNode datasource) {
        return datasource != null && datasource.isObject()
                && "prometheus".equals(text(datasource, "type"))
                && DATASOURCE_REFERENCE.equals(text(datasource, "uid"));
    }

    private static Iterable<JsonNode> templateVariables(JsonNode dashboard) {
        JsonNode templating = dashboard.get("templating");
        JsonNode list = templating == null ? null : templating.get("list");
        return list == null || !list.isArray() ? List.of() : list.values();
    }

    private static String where(JsonNode panel) {
        return "panel '" + text(panel, "title") + "' (id " + text(panel, "id") + ")";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.coerceStringValue();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
