package io.ostraka.server.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), for tests:
 * anything the format does not allow is an error naming the line, never skipped. No Java
 * library on Maven Central parses this format (client_java only writes it), so this one follows
 * the specification directly; {@code promtool check metrics}, Prometheus's own parser, checks the
 * same scrapes independently where it is installed (see MetricsEndpointTest and .ci/run).
 *
 * <p>Checked: line syntax (metric and label names, label value escapes {@code \\ \" \n}, HELP
 * escapes {@code \\ \n}, float values including {@code NaN}/{@code +Inf}/{@code -Inf}, optional
 * integer timestamps, a final newline); at most one HELP and one TYPE per family, TYPE before the
 * family's first sample; the lines of a family kept together; sample names allowed by the
 * family's type; no duplicate series and no repeated label in a sample; counters non-negative;
 * histograms: every series has {@code _bucket}s with increasing {@code le}, cumulative
 * (non-decreasing) counts, a {@code +Inf} bucket equal to {@code _count}, and a {@code _sum};
 * summaries: quantiles in [0, 1], {@code _sum} and {@code _count}.
 */
final class PrometheusText {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample line. */
    record Sample(String name, SortedMap<String, String> labels, double value) {}

    /** A metric family: its samples in order of appearance. */
    record Family(String name, String type, String help, List<Sample> samples) {}

    static final class ParseException extends RuntimeException {
        ParseException(int line, String message, String text) {
            super("line " + line + ": " + message + ": " + text);
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() {}

    /** Parses and validates a whole exposition; throws {@link ParseException} at the first violation. */
    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        parsed.families.putAll(new Parser().run(text));
        for (Family f : parsed.families.values()) {
            Validation.family(f);
        }
        return parsed;
    }

    Map<String, Family> families() {
        return Collections.unmodifiableMap(families);
    }

    Family family(String name) {
        Family f = families.get(name);
        if (f == null) {
            throw new AssertionError("no metric family " + name + " in " + families.keySet());
        }
        return f;
    }

    /** The value of the one sample named {@code name} with exactly these labels ("k", "v", …). */
    double value(String name, String... labels) {
        SortedMap<String, String> wanted = labels(labels);
        for (Family f : families.values()) {
            for (Sample s : f.samples()) {
                if (s.name().equals(name) && s.labels().equals(wanted)) {
                    return s.value();
                }
            }
        }
        throw new AssertionError("no sample " + name + wanted);
    }

    /** Samples named {@code name} whose labels include these ("k", "v", …). */
    List<Sample> samples(String name, String... labels) {
        SortedMap<String, String> wanted = labels(labels);
        List<Sample> out = new ArrayList<>();
        for (Family f : families.values()) {
            for (Sample s : f.samples()) {
                if (s.name().equals(name) && s.labels().entrySet().containsAll(wanted.entrySet())) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The sum of the samples named {@code name} whose labels include these. */
    double sum(String name, String... labels) {
        return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static SortedMap<String, String> labels(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        SortedMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** Line-level parsing and the checks that need the order of lines. */
    private static final class Parser {
        private final Map<String, MutableFamily> building = new LinkedHashMap<>();
        private final Map<String, String> types = new LinkedHashMap<>();
        private final Map<String, String> helps = new LinkedHashMap<>();
        private final Set<String> closed = new TreeSet<>();
        private final Set<String> series = new TreeSet<>();
        private String current;
        private int lineNumber;
        private String line;

        Map<String, Family> run(String text) {
            if (!text.isEmpty() && !text.endsWith("\n")) {
                throw new ParseException(0, "the exposition must end with a newline", "");
            }
            for (String l : text.split("\n", -1)) {
                lineNumber++;
                line = l;
                if (l.isBlank()) {
                    continue;
                }
                if (l.startsWith("#")) {
                    comment(l);
                } else {
                    sample(l);
                }
            }
            Map<String, Family> out = new LinkedHashMap<>();
            building.forEach((name, f) -> out.put(name, new Family(name, f.type == null ? "untyped" : f.type,
                    f.help, List.copyOf(f.samples))));
            return out;
        }

        private ParseException error(String message) {
            return new ParseException(lineNumber, message, line);
        }

        private void comment(String l) {
            String[] parts = l.substring(1).strip().split("[ \t]+", 3);
            if (parts.length < 2 || !(parts[0].equals("HELP") || parts[0].equals("TYPE"))) {
                return; // an ordinary comment
            }
            String name = parts[1];
            if (!METRIC_NAME.matcher(name).matches()) {
                throw error("invalid metric name " + name);
            }
            enter(name);
            if (parts[0].equals("HELP")) {
                if (helps.containsKey(name)) {
                    throw error("second HELP for " + name);
                }
                String doc = parts.length == 3 ? unescapeHelp(parts[2]) : "";
                helps.put(name, doc);
                family(name).help = doc;
            } else {
                if (types.containsKey(name)) {
                    throw error("second TYPE for " + name);
                }
                if (parts.length != 3 || !TYPES.contains(parts[2].strip())) {
                    throw error("TYPE must be one of " + TYPES);
                }
                if (!family(name).samples.isEmpty()) {
                    throw error("TYPE for " + name + " after its first sample");
                }
                types.put(name, parts[2].strip());
                family(name).type = parts[2].strip();
            }
        }

        /** Moves to family {@code name}; a family whose lines already ended may not come back. */
        private void enter(String name) {
            if (name.equals(current)) {
                return;
            }
            if (closed.contains(name)) {
                throw error("the lines of " + name + " are not together");
            }
            if (current != null) {
                closed.add(current);
            }
            current = name;
        }

        private MutableFamily family(String name) {
            return building.computeIfAbsent(name, n -> new MutableFamily());
        }

        private void sample(String l) {
            int i = 0;
            while (i < l.length() && (Character.isLetterOrDigit(l.charAt(i)) || l.charAt(i) == '_' || l.charAt(i) == ':')) {
                i++;
            }
            String name = l.substring(0, i);
            if (!METRIC_NAME.matcher(name).matches()) {
                throw error("invalid metric name");
            }
            SortedMap<String, String> labels = new TreeMap<>();
            if (i < l.length() && l.charAt(i) == '{') {
                i = labels(l, i + 1, labels);
            }
            String rest = l.substring(i);
            if (!rest.isEmpty() && rest.charAt(0) != ' ' && rest.charAt(0) != '\t') {
                throw error("expected a blank after the name and labels");
            }
            String[] fields = rest.strip().split("[ \t]+");
            if (fields.length < 1 || fields.length > 2 || fields[0].isEmpty()) {
                throw error("expected a value and an optional timestamp");
            }
            double value = number(fields[0]);
            if (fields.length == 2 && !TIMESTAMP.matcher(fields[1]).matches()) {
                throw error("invalid timestamp " + fields[1]);
            }
            String familyName = familyOf(name);
            enter(familyName);
            if (!series.add(name + labels)) {
                throw error("duplicate series " + name + labels);
            }
            family(familyName).samples.add(new Sample(name, Collections.unmodifiableSortedMap(labels), value));
        }

        /** The family a sample belongs to: its own name, or the typed histogram/summary it is part of. */
        private String familyOf(String name) {
            for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
                if (name.endsWith(suffix)) {
                    String base = name.substring(0, name.length() - suffix.length());
                    String type = types.get(base);
                    if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
                        return base;
                    }
                }
            }
            return name;
        }

        private int labels(String l, int i, SortedMap<String, String> labels) {
            while (true) {
                if (i < l.length() && l.charAt(i) == '}') {
                    return i + 1;
                }
                int start = i;
                while (i < l.length() && l.charAt(i) != '=') {
                    i++;
                }
                String labelName = l.substring(start, i).strip();
                if (!LABEL_NAME.matcher(labelName).matches() || labelName.startsWith("__")) {
                    throw error("invalid label name '" + labelName + "'");
                }
                if (i + 1 >= l.length() || l.charAt(i + 1) != '"') {
                    throw error("label value of " + labelName + " must be quoted");
                }
                i += 2;
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (i >= l.length()) {
                        throw error("unterminated label value");
                    }
                    char c = l.charAt(i);
                    if (c == '"') {
                        i++;
                        break;
                    }
                    if (c == '\\') {
                        if (i + 1 >= l.length()) {
                            throw error("dangling backslash in a label value");
                        }
                        char e = l.charAt(i + 1);
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw error("invalid escape \\" + e + " in a label value");
                        }
                        i += 2;
                    } else {
                        value.append(c);
                        i++;
                    }
                }
                if (labels.put(labelName, value.toString()) != null) {
                    throw error("label " + labelName + " repeated");
                }
                if (i < l.length() && l.charAt(i) == ',') {
                    i++;
                } else if (i >= l.length() || l.charAt(i) != '}') {
                    throw error("expected ',' or '}' after a label");
                }
            }
        }

        private double number(String text) {
            switch (text) {
                case "NaN":
                    return Double.NaN;
                case "+Inf":
                case "Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                default:
                    if (!FLOAT.matcher(text).matches()) {
                        throw error("invalid number " + text);
                    }
                    return Double.parseDouble(text);
            }
        }

        private String unescapeHelp(String doc) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < doc.length(); i++) {
                char c = doc.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (i + 1 >= doc.length()) {
                    throw error("dangling backslash in HELP");
                }
                char e = doc.charAt(++i);
                switch (e) {
                    case '\\' -> out.append('\\');
                    case 'n' -> out.append('\n');
                    default -> throw error("invalid escape \\" + e + " in HELP");
                }
            }
            return out.toString();
        }
    }

    private static final class MutableFamily {
        String type;
        String help;
        final List<Sample> samples = new ArrayList<>();
    }

    /** The checks of one complete family. */
    private static final class Validation {
        static void family(Family f) {
            switch (f.type()) {
                case "counter", "gauge", "untyped" -> simple(f);
                case "histogram" -> histogram(f);
                case "summary" -> summary(f);
                default -> throw new AssertionError(f.type());
            }
        }

        private static ParseException error(Family f, String message) {
            return new ParseException(0, f.type() + " " + f.name() + ": " + message, "");
        }

        private static void simple(Family f) {
            for (Sample s : f.samples()) {
                if (!s.name().equals(f.name())) {
                    throw error(f, "sample " + s.name() + " does not belong to it");
                }
                if (f.type().equals("counter") && !(s.value() >= 0) && !Double.isNaN(s.value())) {
                    throw error(f, "negative counter " + s);
                }
            }
        }

        private static void histogram(Family f) {
            Map<SortedMap<String, String>, List<double[]>> buckets = new LinkedHashMap<>();
            Map<SortedMap<String, String>, Double> counts = new LinkedHashMap<>();
            Map<SortedMap<String, String>, Double> sums = new LinkedHashMap<>();
            for (Sample s : f.samples()) {
                if (s.name().equals(f.name() + "_bucket")) {
                    String le = s.labels().get("le");
                    if (le == null) {
                        throw error(f, "bucket without le: " + s);
                    }
                    TreeMap<String, String> series = new TreeMap<>(s.labels());
                    series.remove("le");
                    double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] {bound, s.value()});
                } else if (s.name().equals(f.name() + "_count")) {
                    counts.put(s.labels(), s.value());
                } else if (s.name().equals(f.name() + "_sum")) {
                    sums.put(s.labels(), s.value());
                } else {
                    throw error(f, "sample " + s.name() + " does not belong to it");
                }
            }
            Set<SortedMap<String, String>> all = new java.util.LinkedHashSet<>(buckets.keySet());
            all.addAll(counts.keySet());
            all.addAll(sums.keySet());
            for (SortedMap<String, String> series : all) {
                List<double[]> b = buckets.get(series);
                if (b == null || !counts.containsKey(series) || !sums.containsKey(series)) {
                    throw error(f, "series " + series + " lacks buckets, _count or _sum");
                }
                for (int i = 1; i < b.size(); i++) {
                    if (!(b.get(i)[0] > b.get(i - 1)[0])) {
                        throw error(f, "le not increasing in " + series);
                    }
                    if (b.get(i)[1] < b.get(i - 1)[1]) {
                        throw error(f, "bucket counts decrease in " + series);
                    }
                }
                double[] last = b.get(b.size() - 1);
                if (last[0] != Double.POSITIVE_INFINITY) {
                    throw error(f, "no +Inf bucket in " + series);
                }
                if (!Objects.equals(last[1], counts.get(series))) {
                    throw error(f, "+Inf bucket " + last[1] + " != _count " + counts.get(series) + " in " + series);
                }
                if (b.get(0)[1] < 0) {
                    throw error(f, "negative bucket count in " + series);
                }
            }
        }

        private static void summary(Family f) {
            for (Sample s : f.samples()) {
                if (s.name().equals(f.name())) {
                    String q = s.labels().get("quantile");
                    double quantile = q == null ? -1 : Double.parseDouble(q);
                    if (!(quantile >= 0 && quantile <= 1)) {
                        throw error(f, "quantile missing or outside [0, 1]: " + s);
                    }
                } else if (!s.name().equals(f.name() + "_sum") && !s.name().equals(f.name() + "_count")) {
                    throw error(f, "sample " + s.name() + " does not belong to it");
                }
            }
        }
    }
}
