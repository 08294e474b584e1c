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
 * local-secrets                    print new local secrets as environment lines (for .ota/secrets.env)
 * registry-key                     print a new key for the registry's secrets as an environment line
 * jwt-public-key DIR               print the public key of the local token key pair in DIR (made if missing)
 * token DIR ROLE [HOURS]           print a token of ROLE signed by the key pair in DIR (default 24 h)
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
            case "local-secrets" -> printLocalSecrets();
            case "registry-key" -> System.out.println(registryKeyLine());
            case "jwt-public-key" -> {
                requireArgs(args, 2);
                System.out.print(JwtTokens.inDirectory(Path.of(args[1])).publicKeyPem());
            }
            case "token" -> {
                requireArgs(args, 3);
                printToken(Path.of(args[1]), args[2], args.length > 3 ? args[3] : "24");
            }
            default -> usage();
        }
    }

    /** A fresh Ed25519 signing key and download-link secret for one local installation. */
    private static void printLocalSecrets() {
        try {
            java.security.KeyPair pair =
                    java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            // unique, so that two checkouts sharing one database never publish different keys under one id
            String keyId = "local-" + java.time.LocalDate.now().toString().replace("-", "") + "-"
                    + java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(3));
            byte[] linkSecret = new byte[32];
            new java.security.SecureRandom().nextBytes(linkSecret);
            java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
            System.out.println(
                    "# local secrets of this checkout, made by ./ota: never commit, never reuse in production");
            System.out.println("OTA_FIRMWARE_SIGNING_PRIVATE_KEYS=" + keyId + ":"
                    + base64.encodeToString(pair.getPrivate().getEncoded()));
            System.out.println("OTA_FIRMWARE_SIGNING_ACTIVE_KEY_ID=" + keyId);
            System.out.println("OTA_DOWNLOAD_LINK_SECRET=" + base64.encodeToString(linkSecret));
            System.out.println(registryKeyLine());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable", e);
        }
    }

    /** A new key that seals the registry's product and device secrets: {@code OTA_REGISTRY_SECRET_KEYS=id:base64}. */
    private static String registryKeyLine() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        String id = "local-" + java.time.LocalDate.now().toString().replace("-", "");
        return "OTA_REGISTRY_SECRET_KEYS=" + id + ":"
                + java.util.Base64.getEncoder().encodeToString(key);
    }

    private static void printToken(Path dir, String role, String hours) {
        if (!JwtTokens.ROLES.contains(role)) {
            System.err.println("unknown role " + role + "; one of " + String.join(", ", JwtTokens.ROLES));
            System.exit(2);
        }
        long validHours;
        try {
            validHours = Long.parseLong(hours);
        } catch (NumberFormatException e) {
            validHours = -1;
        }
        if (validHours < 1 || validHours > 24 * 30) {
            System.err.println("HOURS must be a whole number from 1 to 720");
            System.exit(2);
        }
        String subject = "local-" + role.substring("ota-".length());
        System.out.println(JwtTokens.inDirectory(dir)
                .token(subject, Duration.ofHours(validHours), java.time.Instant.now(), java.util.List.of(role)));
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
                + " | probe-postgres HOST PORT USER | ensure-databases HOST PORT USER NAME... | local-secrets | registry-key"
                + " | jwt-public-key DIR | token DIR ROLE [HOURS]");
        System.exit(2);
    }
}
