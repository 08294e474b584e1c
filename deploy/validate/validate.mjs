// Validates a rendered overlay (kubectl kustomize output) of the OTA platform; run by deploy/check.sh.
//
//   node validate.mjs <rendered.yaml>        checks one rendering; exit 1 with the faults found
//   node validate.mjs --self-test <rendered>  breaks a good rendering in known ways; each must be reported as
//                                             itself (a pattern per planted fault), not as some other fault
//
// Checks: every resource against its Kubernetes (or CRD) schema, with no field its kind does not declare at
// any depth (strict.mjs); app.kubernetes.io labels; selectors
// against the labels they must select; every referenced ConfigMap and Secret key (Secrets made outside
// Kustomize must be listed in deploy/required-secrets.yaml); ports against the services' own
// configuration (application.properties), probes, Services and the Ingress against the named ports; the
// addresses of PostgreSQL and the broker against the Services that carry them.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { unknownFields as strictFields, unknownFieldsOf } from "./strict.mjs";
import { corePods } from "./emqx.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

const MODULES = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "scheduling.k8s.io/v1": "kubernetes-models/scheduling.k8s.io/v1",
  "postgresql.cnpg.io/v1": "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
  "cert-manager.io/v1": "@kubernetes-models/cert-manager/cert-manager.io/v1",
  // the EMQX Operator's kind, written out in emqx.mjs (no package declares it)
  "apps.emqx.io/v2beta1": "./emqx.mjs",
};
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);

export async function validate(docs) {
  const faults = [];
  const fault = (doc, message) => faults.push(`${doc.kind}/${doc.metadata?.name}: ${message}`);

  // 1. schemas
  for (const doc of docs) {
    const module = MODULES[doc.apiVersion];
    if (!module) {
      fault(doc, `no schema known for apiVersion ${doc.apiVersion}`);
      continue;
    }
    const models = await import(module);
    const Model = models[doc.kind];
    if (!Model) {
      fault(doc, `no schema for kind ${doc.kind} in ${doc.apiVersion}`);
      continue;
    }
    try {
      new Model(structuredClone(doc)).validate();
    } catch (e) {
      fault(doc, `schema: ${e.message.split("\n").slice(0, 4).join(" ")}`);
    }
    unknownFields(doc, fault);
    if (models.root) unknownFieldsOf(doc, models.root, fault);
    else strictFields(doc, module, fault);
  }

  // 2. labels
  for (const doc of docs) {
    const labels = doc.metadata?.labels ?? {};
    for (const key of ["app.kubernetes.io/name", "app.kubernetes.io/part-of"]) {
      if (!labels[key]) fault(doc, `label ${key} missing`);
    }
  }

  const byKind = (kind) => docs.filter((d) => d.kind === kind);
  // the EMQX Operator's pods count as a workload (the operator makes their StatefulSet from the resource)
  const workloads = [...docs.filter((d) => WORKLOADS.has(d.kind)), ...docs.filter((d) => d.kind === "EMQX").map(corePods)];
  const podLabels = (w) => w.spec.template?.metadata?.labels ?? {};
  const selects = (selector, labels) =>
    selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  const matchLabels = (s) => {
    if (s?.matchExpressions?.length) return null; // not used here
    return s?.matchLabels;
  };

  // 3. selectors
  for (const w of workloads) {
    if (w.kind === "Job") continue;
    if (!selects(matchLabels(w.spec.selector), podLabels(w))) {
      fault(w, "spec.selector does not select its own pod template's labels");
    }
  }
  for (const s of byKind("StatefulSet")) {
    const governing = byKind("Service").find((svc) => svc.metadata.name === s.spec.serviceName);
    if (!governing) fault(s, `serviceName ${s.spec.serviceName} names no Service`);
    else if (governing.spec.clusterIP !== "None") fault(s, `serviceName ${s.spec.serviceName} is not headless`);
  }
  for (const svc of byKind("Service")) {
    const targets = workloads.filter((w) => selects(svc.spec.selector, podLabels(w)));
    if (targets.length === 0) {
      fault(svc, `selector ${JSON.stringify(svc.spec.selector)} selects no workload`);
      continue;
    }
    for (const port of svc.spec.ports ?? []) {
      if (typeof port.targetPort === "string" && !targets.some((w) => containerPorts(w).has(port.targetPort))) {
        fault(svc, `targetPort ${port.targetPort} is no named port of the selected pods`);
      }
    }
  }
  for (const ingress of byKind("Ingress")) {
    for (const rule of ingress.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const backend = p.backend?.service;
        const svc = byKind("Service").find((s) => s.metadata.name === backend?.name);
        if (!svc) {
          fault(ingress, `path ${p.path} goes to Service ${backend?.name}, which does not exist`);
          continue;
        }
        const port = backend.port ?? {};
        if (!(svc.spec.ports ?? []).some((sp) => (port.name ? sp.name === port.name : sp.port === port.number))) {
          fault(ingress, `path ${p.path} goes to port ${port.name ?? port.number} of ${svc.metadata.name}, which it lacks`);
        }
      }
    }
  }
  for (const pdb of byKind("PodDisruptionBudget")) {
    if (!workloads.some((w) => selects(matchLabels(pdb.spec.selector), podLabels(w)))) {
      fault(pdb, "selector selects no workload");
    }
  }
  for (const hpa of byKind("HorizontalPodAutoscaler")) {
    const ref = hpa.spec.scaleTargetRef;
    if (!workloads.some((w) => w.kind === ref.kind && w.metadata.name === ref.name)) {
      fault(hpa, `scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
    }
    if (hpa.spec.minReplicas > hpa.spec.maxReplicas) fault(hpa, "minReplicas > maxReplicas");
  }
  for (const sm of byKind("ServiceMonitor")) {
    for (const endpoint of sm.spec.endpoints ?? []) {
      if (endpoint.path === "/q/metrics" && endpoint.port !== "management") {
        fault(sm, `endpoint port ${endpoint.port} serves no /q/metrics: the services serve it on their management port`);
      }
    }
    const services = byKind("Service").filter((svc) => selects(sm.spec.selector.matchLabels, svc.metadata.labels ?? {}));
    if (services.length === 0) fault(sm, "selects no Service");
    for (const endpoint of sm.spec.endpoints ?? []) {
      for (const svc of services) {
        if (!(svc.spec.ports ?? []).some((p) => p.name === endpoint.port)) {
          fault(sm, `endpoint port ${endpoint.port} is not a port of Service ${svc.metadata.name}`);
        }
      }
    }
  }

  // 4. ConfigMap and Secret keys
  const external = YAML.parse(fs.readFileSync(path.join(repo, "deploy", "required-secrets.yaml"), "utf8"));
  const configMaps = new Map(byKind("ConfigMap").map((c) => [c.metadata.name, new Set(Object.keys(c.data ?? {}))]));
  const secrets = new Map(
    byKind("Secret").map((s) => [s.metadata.name, new Set(Object.keys({ ...s.data, ...s.stringData }))]),
  );
  for (const [name, keys] of Object.entries(external.secrets ?? {})) {
    if (!secrets.has(name)) secrets.set(name, new Set(keys));
  }
  // cert-manager writes each Certificate's key pair (and its CA) into the Secret it names; a CA Issuer
  // signs with the key pair of its Secret
  for (const cert of byKind("Certificate")) {
    if (!secrets.has(cert.spec.secretName)) secrets.set(cert.spec.secretName, new Set(["tls.crt", "tls.key", "ca.crt"]));
  }
  const issuers = new Map([...byKind("Issuer"), ...byKind("ClusterIssuer")].map((i) => [i.metadata.name, i]));
  for (const cert of byKind("Certificate")) {
    const ref = cert.spec.issuerRef;
    if ((ref.kind ?? "Issuer") === "Issuer" && !issuers.has(ref.name)) {
      fault(cert, `issuer ${ref.name} does not exist in the namespace (a ClusterIssuer of yours: kind ClusterIssuer)`);
    }
  }
  const needKey = (doc, kind, name, key, optional) => {
    const store = kind === "ConfigMap" ? configMaps : secrets;
    if (optional) return;
    if (!store.has(name)) fault(doc, `${kind} ${name} does not exist (nor in deploy/required-secrets.yaml)`);
    else if (key !== undefined && !store.get(name).has(key)) fault(doc, `${kind} ${name} has no key ${key}`);
  };
  for (const w of workloads) {
    const pod = w.spec.template.spec;
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        const sec = e.valueFrom?.secretKeyRef;
        if (cm) needKey(w, "ConfigMap", cm.name, cm.key, cm.optional);
        if (sec) needKey(w, "Secret", sec.name, sec.key, sec.optional);
      }
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) needKey(w, "ConfigMap", from.configMapRef.name, undefined, from.configMapRef.optional);
        if (from.secretRef) needKey(w, "Secret", from.secretRef.name, undefined, from.secretRef.optional);
      }
      const ports = new Set((c.ports ?? []).map((p) => p.name));
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (typeof port === "string" && !ports.has(port)) fault(w, `${c.name} ${probe} uses port ${port}, not declared`);
      }
      const mounts = new Set((c.volumeMounts ?? []).map((m) => m.name));
      for (const m of mounts) {
        if (!(pod.volumes ?? []).some((v) => v.name === m) && !(w.spec.volumeClaimTemplates ?? []).some((t) => t.metadata.name === m)) {
          fault(w, `${c.name} mounts volume ${m}, which does not exist`);
        }
      }
    }
    for (const v of pod.volumes ?? []) {
      if (v.configMap) {
        needKey(w, "ConfigMap", v.configMap.name, undefined, v.configMap.optional);
        for (const item of v.configMap.items ?? []) needKey(w, "ConfigMap", v.configMap.name, item.key, v.configMap.optional);
      }
      if (v.secret) {
        needKey(w, "Secret", v.secret.secretName, undefined, v.secret.optional);
        for (const item of v.secret.items ?? []) needKey(w, "Secret", v.secret.secretName, item.key, v.secret.optional);
      }
    }
  }
  for (const issuer of byKind("Issuer")) {
    if (issuer.spec.ca) needKey(issuer, "Secret", issuer.spec.ca.secretName, "tls.key");
  }
  for (const cluster of byKind("Cluster")) {
    const name = cluster.spec.superuserSecret?.name;
    if (name) {
      needKey(cluster, "Secret", name, "username");
      needKey(cluster, "Secret", name, "password");
    }
    // managed roles log in with basic-auth Secrets; backups reach the object store with theirs
    for (const role of cluster.spec.managed?.roles ?? []) {
      if (role.passwordSecret?.name) {
        needKey(cluster, "Secret", role.passwordSecret.name, "username");
        needKey(cluster, "Secret", role.passwordSecret.name, "password");
      }
    }
    const s3 = cluster.spec.backup?.barmanObjectStore?.s3Credentials ?? {};
    for (const ref of [s3.accessKeyId, s3.secretAccessKey, s3.region, s3.sessionToken]) {
      if (ref?.name) needKey(cluster, "Secret", ref.name, ref.key);
    }
    if (cluster.spec.enableSuperuserAccess) fault(cluster, "superuser access is on: roles and databases are managed");
    if (!cluster.spec.backup) fault(cluster, "no backup configured (spec.backup)");
  }

  for (const db of byKind("Database")) {
    const cluster = byKind("Cluster").find((c) => c.metadata.name === db.spec.cluster?.name);
    if (!cluster) fault(db, `cluster ${db.spec.cluster?.name} is no Cluster`);
    else if (!(cluster.spec.managed?.roles ?? []).some((r) => r.name === db.spec.owner)) {
      fault(db, `owner ${db.spec.owner} is no managed role of ${cluster.metadata.name}`);
    }
  }
  for (const backup of byKind("ScheduledBackup")) {
    if (!byKind("Cluster").some((c) => c.metadata.name === backup.spec.cluster?.name)) {
      fault(backup, `cluster ${backup.spec.cluster?.name} is no Cluster`);
    }
  }

  // images: each pinned to a release (a tag that is neither `latest` nor a -SNAPSHOT, or a digest); a
  // snapshot build is for a developer's machine, never for a cluster
  for (const doc of docs) {
    const images = WORKLOADS.has(doc.kind)
      ? [...(doc.spec.template.spec.initContainers ?? []), ...doc.spec.template.spec.containers].map((c) => c.image)
      : doc.kind === "EMQX"
        ? [doc.spec.image]
        : [];
    for (const image of images) {
      const digest = /@sha256:[0-9a-f]{64}$/.test(image);
      const tag = image.replace(/@.*$/, "").match(/:([^/:]+)$/)?.[1];
      if (!digest && !tag) fault(doc, `image ${image} has no tag or digest`);
      else if (!digest && (tag === "latest" || /SNAPSHOT/i.test(tag))) fault(doc, `image ${image} is not a release (tag ${tag})`);
    }
  }

  // 5. ports and addresses against the services' configuration
  // generated by Kustomize: ota-config-<hash of its content>
  const config = byKind("ConfigMap").find((c) => /^ota-config(-[a-z0-9]{10})?$/.test(c.metadata.name));
  for (const w of workloads.filter((w) => (w.metadata.labels ?? {})["app.kubernetes.io/component"] === "service")) {
    const name = w.metadata.name;
    const properties = path.join(repo, name, "src", "main", "resources", "application.properties");
    if (!fs.existsSync(properties)) {
      fault(w, `no ${path.relative(repo, properties)} to check its port against`);
      continue;
    }
    const text = fs.readFileSync(properties, "utf8");
    const line = text.match(/^quarkus\.http\.port=\$\{(\w+):(\d+)\}$/m);
    if (!line) {
      fault(w, "its application.properties sets no quarkus.http.port=${VAR:default}");
      continue;
    }
    const [, variable, fallback] = line;
    const container = w.spec.template.spec.containers[0];
    const set = (container.env ?? []).find((e) => e.name === variable)?.value ?? config?.data?.[variable];
    const expected = Number(set ?? fallback);
    const http = (container.ports ?? []).find((p) => p.name === "http");
    if (!http) fault(w, "container has no port named http");
    else if (http.containerPort !== expected) {
      fault(w, `containerPort ${http.containerPort} but the service listens on ${expected} (${variable})`);
    }
    // health, metrics and OpenAPI on Quarkus's management interface: probes and scrapers go there, never
    // to the port the Ingress publishes
    const managed = /^quarkus\.management\.enabled=true$/m.test(text);
    const mline = text.match(/^quarkus\.management\.port=\$\{(\w+):(\d+)\}$/m);
    if (!managed || !mline) {
      fault(w, "its application.properties does not enable the management interface on quarkus.management.port=${VAR:default}");
      continue;
    }
    const [, mvariable, mfallback] = mline;
    const mset = (container.env ?? []).find((e) => e.name === mvariable)?.value ?? config?.data?.[mvariable];
    const mexpected = Number(mset ?? mfallback);
    const management = (container.ports ?? []).find((p) => p.name === "management");
    if (!management) fault(w, "container has no port named management");
    else if (management.containerPort !== mexpected) {
      fault(w, `management containerPort ${management.containerPort} but the service's management interface listens on ${mexpected} (${mvariable})`);
    }
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      const port = container[probe]?.httpGet?.port;
      if (port !== undefined && port !== "management" && port !== mexpected) {
        fault(w, `${probe} goes to port ${port}, not the management interface (health is served only there)`);
      }
    }
    const annotated = w.spec.template.metadata?.annotations?.["prometheus.io/port"];
    if (annotated && Number(annotated) !== mexpected) {
      fault(w, `prometheus.io/port ${annotated} is not the management port ${mexpected}`);
    }
    // every variable the service requires (${VAR} without a default, outside the dev and test profiles) is set
    const required = [...text.matchAll(/^[^%#\n][^\n]*\$\{(OTA_\w+)\}/gm)].map((m) => m[1]);
    for (const variable of new Set(required)) {
      const inEnv = (container.env ?? []).some((e) => e.name === variable);
      if (!inEnv && config?.data?.[variable] === undefined) {
        fault(w, `the service requires ${variable} (application.properties) and the workload does not set it`);
      }
    }
  }
  if (!config) {
    faults.push("ConfigMap/ota-config: missing");
  } else {
    const services = byKind("Service");
    const clusters = byKind("Cluster").map((c) => `${c.metadata.name}-rw`);
    const mqtt = services.find((s) => s.metadata.name === config.data.OTA_MQTT_HOST);
    if (!mqtt) faults.push(`ConfigMap/ota-config: OTA_MQTT_HOST ${config.data.OTA_MQTT_HOST} is no Service`);
    else if (!mqtt.spec.ports.some((p) => p.port === Number(config.data.OTA_MQTT_PORT))) {
      faults.push(`ConfigMap/ota-config: Service ${mqtt.metadata.name} has no port ${config.data.OTA_MQTT_PORT}`);
    }
    const db = config.data.OTA_DB_HOST;
    const dbService = services.find((s) => s.metadata.name === db);
    if (!dbService && !clusters.includes(db)) faults.push(`ConfigMap/ota-config: OTA_DB_HOST ${db} is no Service`);
    else if (dbService && !dbService.spec.ports.some((p) => p.port === Number(config.data.OTA_DB_PORT))) {
      faults.push(`ConfigMap/ota-config: Service ${db} has no port ${config.data.OTA_DB_PORT}`);
    }
  }
  // 6. the database's connection budget: every service at its most replicas (its HPA's maximum) with full
  // pools stays within 85 % of what PostgreSQL accepts (max_connections less the superuser's reserve)
  const cluster = byKind("Cluster")[0];
  const maxConnections = Number(cluster?.spec?.postgresql?.parameters?.max_connections ?? 100);
  const reserved = Number(cluster?.spec?.postgresql?.parameters?.superuser_reserved_connections ?? 3);
  const budget = Math.floor((maxConnections - reserved) * 0.85);
  let needed = 0;
  const parts = [];
  for (const w of workloads.filter((w) => (w.metadata.labels ?? {})["app.kubernetes.io/component"] === "service")) {
    const properties = path.join(repo, w.metadata.name, "src", "main", "resources", "application.properties");
    if (!fs.existsSync(properties)) continue;
    const text = fs.readFileSync(properties, "utf8");
    const reactive = text.match(/^quarkus\.datasource\.reactive\.max-size=\$\{OTA_DB_POOL_MAX_SIZE:(\d+)\}$/m);
    if (!reactive) continue; // no database
    const jdbc = Number(text.match(/^quarkus\.datasource\.jdbc\.max-size=(\d+)$/m)?.[1] ?? 0);
    const container = w.spec.template.spec.containers[0];
    const set = (container.env ?? []).find((e) => e.name === "OTA_DB_POOL_MAX_SIZE")?.value ?? config?.data?.OTA_DB_POOL_MAX_SIZE;
    const pool = Number(set ?? reactive[1]);
    const hpa = byKind("HorizontalPodAutoscaler").find(
      (h) => h.spec.scaleTargetRef.kind === w.kind && h.spec.scaleTargetRef.name === w.metadata.name,
    );
    const replicas = hpa ? hpa.spec.maxReplicas : (w.spec.replicas ?? 1);
    needed += replicas * (pool + jdbc);
    parts.push(`${w.metadata.name} ${replicas} × (${pool} + ${jdbc})`);
  }
  if (needed > budget) {
    faults.push(
      `database connections: ${parts.join(" + ")} = ${needed} at the HPA maxima, over ${budget}` +
        ` (85 % of max_connections ${maxConnections} less ${reserved} reserved)`,
    );
  }

  // 7. every ota_* metric the dashboard and the alerts use is one a service registers (Micrometer names
  // in the sources: dots and dashes become underscores, counters end in _total)
  const registered = new Set();
  const walkSources = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["target", "node_modules", ".git", "test"].includes(entry.name)) walkSources(p);
      } else if (entry.name.endsWith(".java")) {
        for (const m of fs.readFileSync(p, "utf8").matchAll(/(?:builder|counter)\("(ota\.[a-z.-]+)"/g)) {
          registered.add(m[1].replace(/[.-]/g, "_"));
        }
      }
    }
  };
  walkSources(repo);
  const usedIn = [];
  for (const cm of byKind("ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard)) {
    for (const text of Object.values(cm.data ?? {})) usedIn.push([cm, text]);
  }
  for (const rule of byKind("PrometheusRule")) usedIn.push([rule, JSON.stringify(rule.spec)]);
  for (const [doc, text] of usedIn) {
    for (const name of new Set([...text.matchAll(/\b(ota_[a-z_]+)\b/g)].map((m) => m[1]))) {
      const base = name.replace(/_(total|bucket|count|sum)$/, "");
      const unitless = base.replace(/_(seconds|bytes)$/, ""); // a base unit Micrometer appends
      if (![name, base, unitless].some((n) => registered.has(n))) fault(doc, `metric ${name} is registered by no service`);
    }
  }

  return faults;
}

/** The schemas allow unknown fields in places; a typo in a field name is caught here instead. */
function unknownFields(doc, fault) {
  const known = new Set(["apiVersion", "kind", "metadata", "spec", "data", "stringData", "type", "immutable", "binaryData"]);
  // fields a few kinds carry at the top level
  if (doc.kind === "ServiceAccount") ["automountServiceAccountToken", "secrets", "imagePullSecrets"].forEach((k) => known.add(k));
  if (doc.kind === "PriorityClass") ["value", "globalDefault", "preemptionPolicy", "description"].forEach((k) => known.add(k));
  for (const key of Object.keys(doc)) if (!known.has(key)) fault(doc, `unknown top-level field ${key}`);
}

function containerPorts(workload) {
  return new Set(workload.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
}

function load(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((d) => d.toJS())
    .filter((d) => d);
}

/** Breaks a good rendering in known ways: each must be reported. */
async function selfTest(docs) {
  const find = (kind, name) => docs.find((d) => d.kind === kind && (!name || d.metadata.name === name));
  const cases = {
    "a selector that misses its pods": [/selects no workload/, (ds) => {
      ds.find((d) => d.kind === "Service").spec.selector = { "app.kubernetes.io/name": "nothing" };
    }],
    "a Secret key nobody creates": [/has no key typo/, (ds) => {
      const w = ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "plan-service");
      w.spec.template.spec.containers[0].env.find((e) => e.valueFrom?.secretKeyRef).valueFrom.secretKeyRef.key = "typo";
    }],
    "a ConfigMap key that does not exist": [/has no key OTA_NOPE/, (ds) => {
      const job = ds.find((d) => d.kind === "Job");
      job.spec.template.spec.containers[0].env.find((e) => e.valueFrom?.configMapKeyRef).valueFrom.configMapKeyRef.key =
        "OTA_NOPE";
    }],
    "a container port other than the service's": [/containerPort 9999 but the service listens on 8081/, (ds) => {
      const w = ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "firmware-service");
      w.spec.template.spec.containers[0].ports[0].containerPort = 9999;
    }],
    "a field of the wrong type": [/spec\/replicas must be integer/, (ds) => {
      ds.find((d) => d.kind === "StatefulSet").spec.replicas = "three";
    }],
    "a probe on an undeclared port": [/readinessProbe uses port admin/, (ds) => {
      const w = ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "device-gateway-service");
      w.spec.template.spec.containers[0].readinessProbe.httpGet.port = "admin";
    }],
    "a variable the service requires that the workload does not set": [/requires OTA_REGISTRY_SECRET_KEYS/, (ds) => {
      const w = ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "device-gateway-service");
      const env = w.spec.template.spec.containers[0].env;
      env.splice(env.findIndex((e) => e.name === "OTA_REGISTRY_SECRET_KEYS"), 1);
    }],
    "an Ingress path to a Service that does not exist": [/goes to Service firmware, which does not exist/, (ds) => {
      ds.find((d) => d.kind === "Ingress").spec.rules[0].http.paths[0].backend.service.name = "firmware";
    }],
    "a console pointed at a port it does not listen on": [/containerPort 8081 but the service listens on 8080/, (ds) => {
      const w = ds.find((d) => d.kind === "Deployment" && d.metadata.name === "console");
      w.spec.template.spec.containers[0].ports[0].containerPort = 8081;
    }],
    "a missing part-of label": [/label app.kubernetes.io\/part-of missing/, (ds) => {
      delete ds.find((d) => d.kind === "ConfigMap").metadata.labels["app.kubernetes.io/part-of"];
    }],
    "more database connections than PostgreSQL accepts": [/database connections: .* over \d+/, (ds) => {
      for (const h of ds.filter((d) => d.kind === "HorizontalPodAutoscaler")) h.spec.maxReplicas = 40;
    }],
    // misspelt fields, each at its own depth: the API server would drop them without a word
    "a misspelt probe": [/unknown field spec\.template\.spec\.containers\[0\]\.livenessprobe/, (ds) => {
      const c = ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "plan-service").spec.template.spec.containers[0];
      c.livenessprobe = c.livenessProbe;
      delete c.livenessProbe;
    }],
    "a misspelt resource limit": [/unknown field spec\.template\.spec\.containers\[0\]\.resources\.limit$/, (ds) => {
      const c = ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "plan-service").spec.template.spec.containers[0];
      c.resources.limit = c.resources.limits;
      delete c.resources.limits;
    }],
    "a misspelt topology spread": [/unknown field spec\.template\.spec\.topologySpreadConstraint$/, (ds) => {
      ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "firmware-service").spec.template.spec.topologySpreadConstraint = [];
    }],
    "a misspelt security setting": [/unknown field spec\.template\.spec\.containers\[0\]\.securityContext\.readOnlyRootFileSystem/, (ds) => {
      const s = ds.find((d) => d.kind === "Deployment" && d.metadata.name === "console").spec.template.spec.containers[0].securityContext;
      s.readOnlyRootFileSystem = s.readOnlyRootFilesystem;
      delete s.readOnlyRootFilesystem;
    }],
    "a misspelt backup section": [/unknown field spec\.backups/, (ds) => {
      const c = ds.find((d) => d.kind === "Cluster");
      c.spec.backups = c.spec.backup;
    }, "Cluster"],
    "a misspelt scrape interval": [/unknown field spec\.endpoints\[0\]\.intervall/, (ds) => {
      ds.find((d) => d.kind === "ServiceMonitor").spec.endpoints[0].intervall = "30s";
    }, "ServiceMonitor"],
    "a dashboard on a metric no service has": [/metric ota_outbox_lag_seconds is registered by no service/, (ds) => {
      const cm = ds.find((d) => d.kind === "ConfigMap" && d.metadata.labels?.grafana_dashboard);
      const key = Object.keys(cm.data)[0];
      cm.data[key] = cm.data[key].replace("ota_outbox_oldest_unpublished_seconds", "ota_outbox_lag_seconds");
    }, "ServiceMonitor"],
    // prod's CloudNativePG resources (skipped on a rendering without them)
    "a database owned by no managed role": [/owner ota_nobody is no managed role/, (ds) => {
      ds.find((d) => d.kind === "Database").spec.owner = "ota_nobody";
    }, "Database"],
    "superuser access switched back on": [/superuser access is on/, (ds) => {
      ds.find((d) => d.kind === "Cluster").spec.enableSuperuserAccess = true;
    }, "Cluster"],
    "a cluster without backups": [/no backup configured/, (ds) => {
      delete ds.find((d) => d.kind === "Cluster").spec.backup;
    }, "Cluster"],
    "a backup credential nobody creates": [/Secret ota-backup-s3 has no key SECRET/, (ds) => {
      ds.find((d) => d.kind === "Cluster").spec.backup.barmanObjectStore.s3Credentials.secretAccessKey.key = "SECRET";
    }, "Cluster"],
    // images pinned to releases
    "a snapshot image": [/image ghcr.io\/otaplatform\/plan-service:0.2.0-SNAPSHOT is not a release/, (ds) => {
      ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "plan-service").spec.template.spec.containers[0].image =
        "ghcr.io/otaplatform/plan-service:0.2.0-SNAPSHOT";
    }],
    "an image without a tag": [/image ghcr.io\/otaplatform\/console has no tag or digest/, (ds) => {
      ds.find((d) => d.kind === "Deployment" && d.metadata.name === "console").spec.template.spec.containers[0].image =
        "ghcr.io/otaplatform/console";
    }],
    // the management interface (health, metrics, OpenAPI on a port of its own)
    "a probe on the application's port": [/readinessProbe goes to port http, not the management interface/, (ds) => {
      const w = ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "plan-service");
      w.spec.template.spec.containers[0].readinessProbe.httpGet.port = "http";
    }],
    "a management port other than the service's": [/management containerPort 9000 but the service's management interface listens on 9083/, (ds) => {
      const w = ds.find((d) => d.kind === "StatefulSet" && d.metadata.name === "device-gateway-service");
      w.spec.template.spec.containers[0].ports.find((p) => p.name === "management").containerPort = 9000;
    }],
    "metrics scraped from the application's port": [/endpoint port http serves no \/q\/metrics/, (ds) => {
      ds.find((d) => d.kind === "ServiceMonitor" && d.metadata.name === "ota-services").spec.endpoints[0].port = "http";
    }, "ServiceMonitor"],
    // the prod broker (the EMQX Operator's resource)
    "a misspelt EMQX mount list": [/EMQX\/emqx: unknown field spec.coreTemplate.spec.extraVolumeMount$/m, (ds) => {
      const t = ds.find((d) => d.kind === "EMQX").spec.coreTemplate.spec;
      t.extraVolumeMount = t.extraVolumeMounts;
      delete t.extraVolumeMounts;
    }, "EMQX"],
    "a misspelt probe inside the EMQX template": [/EMQX\/emqx: unknown field spec.coreTemplate.spec.readinessProbe.httpget$/m, (ds) => {
      ds.find((d) => d.kind === "EMQX").spec.coreTemplate.spec.readinessProbe = { httpget: { path: "/status", port: 18083 } };
    }, "EMQX"],
    "an EMQX update strategy the operator does not know": [/updateStrategy\/type must be Recreate/, (ds) => {
      ds.find((d) => d.kind === "EMQX").spec.updateStrategy.type = "RollingUpdate";
    }, "EMQX"],
    "a broker Service on a port the EMQX pods do not name": [/Service\/emqx-gateways: targetPort mqtt-tls is no named port/, (ds) => {
      ds.find((d) => d.kind === "Service" && d.metadata.name === "emqx-gateways").spec.ports[0].targetPort = "mqtt-tls";
    }, "EMQX"],
    "EMQX accounts without the services' file": [/Secret ota-emqx-users has no key service.csv/, (ds) => {
      ds.find((d) => d.kind === "EMQX").spec.coreTemplate.spec.extraVolumes.find((v) => v.name === "users").secret.items[1].key =
        "service.csv";
    }, "EMQX"],
    // the broker's TLS certificate (cert-manager)
    "a misspelt certificate name list": [/Certificate\/\S+: unknown field spec.dnsName$/m, (ds) => {
      const cert = ds.find((d) => d.kind === "Certificate" && !d.spec.isCA);
      cert.spec.dnsName = cert.spec.dnsNames;
      delete cert.spec.dnsNames;
    }, "Certificate"],
    "a certificate from an issuer that does not exist": [/issuer ota-mqtt-cs does not exist/, (ds) => {
      ds.find((d) => d.kind === "Certificate" && d.spec.issuerRef.kind === "Issuer").spec.issuerRef.name = "ota-mqtt-cs";
    }, "Issuer"],
  };
  if (!find("StatefulSet", "plan-service")) throw new Error("the self-test needs a rendering with the services");
  let failed = 0;
  // each planted fault must be the one reported, not merely some fault
  for (const [what, [expected, breakIt, needs]] of Object.entries(cases)) {
    if (needs && !find(needs)) continue;
    if (!needs && what.startsWith("a ConfigMap key") && !find("Job")) continue;
    const broken = structuredClone(docs);
    breakIt(broken);
    const faults = await validate(broken);
    const match = faults.find((f) => expected.test(f));
    console.log(`${match ? "caught" : "MISSED"}: ${what}${match ? ` (${match})` : faults.length ? ` (reported instead: ${faults[0]})` : ""}`);
    if (!match) failed++;
  }
  return failed;
}

const args = process.argv.slice(2);
if (args[0] === "--self-test") {
  const docs = load(args[1]);
  const clean = await validate(docs);
  if (clean.length) {
    console.error(clean.join("\n"));
    process.exit(1);
  }
  process.exit((await selfTest(docs)) === 0 ? 0 : 1);
} else {
  const docs = load(args[0]);
  const faults = await validate(docs);
  if (faults.length) {
    console.error(`${args[0]}: ${faults.length} fault(s)\n` + faults.map((f) => `  - ${f}`).join("\n"));
    process.exit(1);
  }
  console.log(`${args[0]}: ${docs.length} resources valid`);
}
