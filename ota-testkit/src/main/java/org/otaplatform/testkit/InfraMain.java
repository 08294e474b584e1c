package org.otaplatform.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The command line {@code ./ota} uses on a machine that runs no PostgreSQL or Mosquitto of its own.
 *
 * <pre>
 * postgres PORT DATA_DIR           run an embedded PostgreSQL until stopped (data kept in DATA_DIR)
 * broker PORT                      run the embedded MQTT broker until stopped
 * probe-postgres HOST PORT USER    exit 0 when PostgreSQL accepts a connection
 * ensure-databases HOST PORT USER NAME...   create each database that does not exist
 * </pre>
 */
public final class InfraMain {

    private InfraMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "postgres" -> {
                requireArgs(args, 3);
                PostgresServer.startEmbedded(Integer.parseInt(args[1]), Path.of(args[2]));
                runUntilStopped("postgres");
            }
            case "broker" -> {
                requireArgs(args, 2);
                MqttBroker.startEmbedded(Integer.parseInt(args[1]));
                runUntilStopped("broker");
            }
            case "probe-postgres" -> {
                requireArgs(args, 4);
                boolean ok = Ports.answers(args[1], Integer.parseInt(args[2]), Duration.ofSeconds(1))
                        && PostgresServer.external(args[1], Integer.parseInt(args[2]), args[3])
                                .accepts();
                System.exit(ok ? 0 : 1);
            }
            case "ensure-databases" -> {
                requireArgs(args, 5);
                PostgresServer server = PostgresServer.external(args[1], Integer.parseInt(args[2]), args[3]);
                Arrays.stream(args, 4, args.length).forEach(server::ensureDatabase);
            }
            default -> usage();
        }
    }

    private static void runUntilStopped(String what) throws InterruptedException {
        System.out.println("READY " + what);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void requireArgs(String[] args, int count) {
        if (args.length < count) {
            usage();
        }
    }

    private static void usage() {
        System.err.println("usage: InfraMain postgres PORT DATA_DIR | broker PORT"
                + " | probe-postgres HOST PORT USER | ensure-databases HOST PORT USER NAME...");
        System.exit(2);
    }
}
