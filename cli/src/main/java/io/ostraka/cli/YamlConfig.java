package io.ostraka.cli;

import io.ostraka.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the server's YAML file: a flat mapping of setting names to scalars (the configuration
 * has no nesting), e.g. {@code node_id: 1}, {@code initial_members: "1=h1:7379,2=h2:7379"}.
 * Comments, blank lines and quoted scalars are understood; anything else is refused with the
 * line number, rather than guessed at.
 */
final class YamlConfig {
    private YamlConfig() {}

    static Map<String, String> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = new java.util.ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
                lines.set(0, lines.get(0).substring(1)); // a byte order mark some editors write
            }
        } catch (IOException e) {
            throw new ServerConfig.ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = stripComment(lines.get(n)).strip();
            if (line.isEmpty() || line.equals("---")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || Character.isWhitespace(lines.get(n).charAt(0))) {
                throw new ServerConfig.ConfigException(file + " line " + (n + 1) + ": expected 'name: value', got '" + lines.get(n) + "'");
            }
            String key = line.substring(0, colon).strip();
            String value = unquote(line.substring(colon + 1).strip());
            if (out.put(key, value) != null) {
                throw new ServerConfig.ConfigException(file + " line " + (n + 1) + ": '" + key + "' is set twice");
            }
        }
        return out;
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == quote) {
                quoted = false;
            } else if (!quoted && (c == '"' || c == '\'')) {
                quoted = true;
                quote = c;
            } else if (!quoted && c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && ((v.startsWith("\"") && v.endsWith("\"")) || (v.startsWith("'") && v.endsWith("'")))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
