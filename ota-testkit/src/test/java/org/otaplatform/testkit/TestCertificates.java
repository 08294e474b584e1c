package org.otaplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and server certificates made for one test run with the openssl command (EC
 * P-256, valid for a day): what cert-manager issues in the cluster, made locally.
 */
final class TestCertificates {

    private TestCertificates() {}

    /** A self-signed CA in {@code dir/<name>.crt} and {@code .key}; returns the certificate. */
    static Path authority(Path dir, String name) throws Exception {
        Path crt = dir.resolve(name + ".crt");
        newKey(
                dir.resolve(name + ".key"),
                crt,
                "/CN=" + name,
                "-x509",
                "-days",
                "1",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
        return crt;
    }

    /** A server certificate {@code dir/<name>.crt} and {@code .key} for the DNS name and IP, signed by the CA. */
    static Path server(Path dir, String ca, String name, String dns, String ip) throws Exception {
        Path csr = dir.resolve(name + ".csr");
        Path crt = dir.resolve(name + ".crt");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(
                ext,
                "subjectAltName=DNS:" + dns + ",IP:" + ip + "\nextendedKeyUsage=serverAuth\n",
                StandardCharsets.UTF_8);
        newKey(dir.resolve(name + ".key"), csr, "/CN=" + dns);
        run(List.of(
                "openssl",
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                dir.resolve(ca + ".crt").toString(),
                "-CAkey",
                dir.resolve(ca + ".key").toString(),
                "-CAcreateserial",
                "-out",
                crt.toString(),
                "-days",
                "1",
                "-extfile",
                ext.toString()));
        return crt;
    }

    /** A new P-256 key into {@code key} and its request (or, with -x509, certificate) into {@code out}. */
    private static void newKey(Path key, Path out, String subject, String... more) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                "openssl",
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                out.toString(),
                "-subj",
                subject));
        command.addAll(List.of(more));
        run(command);
    }

    static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS))
                .as(String.join(" ", command))
                .isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    }
}
