package org.otaplatform.e2e;

/** The benchmarks' command-line options: {@code --name value} pairs, each with a default. */
final class BenchArgs {

    private BenchArgs() {}

    static String string(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    static int integer(String[] args, String name, int fallback) {
        return Integer.parseInt(string(args, name, Integer.toString(fallback)));
    }
}
