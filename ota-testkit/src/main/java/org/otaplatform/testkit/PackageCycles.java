package org.otaplatform.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dependencies between a module's packages, read from its sources (imports and fully qualified
 * names), and the cycles among them: a service's packages form layers, so a change in a lower one never
 * needs the one above it.
 */
public final class PackageCycles {

    private PackageCycles() {}

    /** Each package under {@code basePackage} (its name below the base) and the packages it uses. */
    public static Map<String, Set<String>> dependencies(Path sourceRoot, String basePackage) {
        Path base = sourceRoot.resolve(basePackage.replace('.', '/'));
        Pattern reference = Pattern.compile(Pattern.quote(basePackage) + "\\.([a-z][a-z0-9_]*)\\.");
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = base.relativize(file.getParent());
                if (relative.getNameCount() == 0 || relative.toString().isEmpty()) {
                    continue; // a class right in the base package
                }
                String pkg = relative.getName(0).toString();
                Set<String> used = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = reference.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        used.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    /** The cycles among the packages, each as a path "a → b → a"; empty when they form layers. */
    public static List<String> cycles(Map<String, Set<String>> uses) {
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.add(List.of(start));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.poll();
                for (String next : uses.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    if (next.equals(start)) {
                        List<String> cycle = new ArrayList<>(path);
                        cycle.add(start);
                        // each cycle once, from its smallest package
                        if (path.stream().allMatch(p -> p.compareTo(start) >= 0)) {
                            cycles.add(String.join(" → ", cycle));
                        }
                    } else if (seen.add(next)) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.add(longer);
                    }
                }
            }
        }
        return cycles;
    }
}
