// The EMQX Operator's `EMQX` kind (apps.emqx.io/v2beta1), for the validator: no npm package declares it,
// so its fields are written out here from the operator's API types (apis/apps/v2beta1/emqx_types.go of
// emqx/emqx-operator 2.2), Kubernetes' own types where the operator embeds them. A model with validate()
// as the other kinds' models have, and the type tree strict.mjs walks for unknown fields.
import { array, k8s, leaf, map, object } from "./strict.mjs";

const podSpec = {
  nodeSelector: map,
  nodeName: leaf,
  affinity: k8s("Affinity"),
  toleRations: array(k8s("Toleration")),
  tolerations: array(k8s("Toleration")),
  topologySpreadConstraints: array(k8s("TopologySpreadConstraint")),
  replicas: leaf,
  minAvailable: leaf,
  maxUnavailable: leaf,
  command: array(leaf),
  args: array(leaf),
  ports: array(k8s("ContainerPort")),
  env: array(k8s("EnvVar")),
  envFrom: array(k8s("EnvFromSource")),
  resources: k8s("ResourceRequirements"),
  podSecurityContext: k8s("PodSecurityContext"),
  containerSecurityContext: k8s("SecurityContext"),
  initContainers: array(k8s("Container")),
  extraContainers: array(k8s("Container")),
  extraVolumes: array(k8s("Volume")),
  extraVolumeMounts: array(k8s("VolumeMount")),
  livenessProbe: k8s("Probe"),
  readinessProbe: k8s("Probe"),
  startupProbe: k8s("Probe"),
  lifecycle: k8s("Lifecycle"),
};
const template = (spec) => object({ metadata: k8s("ObjectMeta"), spec: object(spec) });
const serviceTemplate = object({ enabled: leaf, metadata: k8s("ObjectMeta"), spec: k8s("ServiceSpec") });
const keyRef = object({ secretName: leaf, secretKey: leaf });

export const root = object({
  apiVersion: leaf,
  kind: leaf,
  metadata: k8s("ObjectMeta"),
  spec: object({
    image: leaf,
    imagePullPolicy: leaf,
    imagePullSecrets: array(k8s("LocalObjectReference")),
    serviceAccountName: leaf,
    bootstrapAPIKeys: array(object({ key: leaf, secret: leaf, secretRef: object({ key: keyRef, secret: keyRef }) })),
    config: object({ mode: leaf, data: leaf }),
    clusterDomain: leaf,
    revisionHistoryLimit: leaf,
    updateStrategy: object({
      type: leaf,
      initialDelaySeconds: leaf,
      evacuationStrategy: object({ waitTakeover: leaf, connEvictRate: leaf, sessEvictRate: leaf }),
    }),
    coreTemplate: template({ ...podSpec, volumeClaimTemplates: k8s("PersistentVolumeClaimSpec") }),
    replicantTemplate: template(podSpec),
    dashboardServiceTemplate: serviceTemplate,
    listenersServiceTemplate: serviceTemplate,
  }),
  status: leaf,
});

/** The CRD's own checks that a rendering can break: required fields, enums, types, exclusive fields. */
export class EMQX {
  constructor(doc) {
    this.doc = doc;
  }

  validate() {
    const spec = this.doc.spec ?? {};
    const errors = [];
    if (typeof spec.image !== "string" || !spec.image) errors.push("data/spec/image is required (a string)");
    if (spec.config?.mode !== undefined && !["Merge", "Replace"].includes(spec.config.mode)) {
      errors.push("data/spec/config/mode must be Merge or Replace");
    }
    if (spec.updateStrategy?.type !== undefined && spec.updateStrategy.type !== "Recreate") {
      errors.push("data/spec/updateStrategy/type must be Recreate");
    }
    for (const name of ["coreTemplate", "replicantTemplate"]) {
      const t = spec[name]?.spec;
      if (!t) continue;
      if (t.replicas !== undefined && !(Number.isInteger(t.replicas) && t.replicas >= 0)) {
        errors.push(`data/spec/${name}/spec/replicas must be integer`);
      }
      if (t.minAvailable !== undefined && t.maxUnavailable !== undefined) {
        errors.push(`data/spec/${name}/spec: minAvailable cannot be set when maxUnavailable is specified`);
      }
    }
    if (errors.length) throw new Error(errors.join("\n"));
  }
}

/**
 * The core nodes' pods as the operator makes them (a StatefulSet it names and labels itself), for the
 * checks that look at pods: Services' selectors and ports, Secrets and ConfigMaps the pods read.
 */
export function corePods(doc) {
  const t = doc.spec.coreTemplate ?? {};
  const labels = {
    "apps.emqx.io/instance": doc.metadata.name,
    "apps.emqx.io/managed-by": "emqx-operator",
    "apps.emqx.io/db-role": "core",
    ...(t.metadata?.labels ?? {}),
  };
  return {
    kind: "EMQX",
    metadata: { name: doc.metadata.name, labels: doc.metadata.labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "emqx",
              ports: t.spec?.ports ?? [],
              env: t.spec?.env ?? [],
              envFrom: t.spec?.envFrom ?? [],
              volumeMounts: t.spec?.extraVolumeMounts ?? [],
            },
          ],
          volumes: t.spec?.extraVolumes ?? [],
        },
      },
    },
  };
}
