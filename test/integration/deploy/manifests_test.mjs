// Checks the deployment files without a cluster or a Docker daemon:
// - every object in deploy/kubernetes/*.yaml against the Kubernetes OpenAPI schema of its
//   apiVersion/kind (kubernetes-models' validators: types, required fields, enums, formats; they
//   do not reject unknown fields, which `kubectl apply --validate=strict` would);
// - that the objects refer to each other consistently: selectors and labels, Service ports and
//   named container ports, Ingress backends, HPA and PDB targets, Secrets and their keys, volumes
//   and mounts, the kustomization's resource list;
// - deploy/compose.yaml: secrets, volumes, networks and depends_on targets exist, conditions are
//   valid and depended-on services have healthchecks, the egress allowance names MinIO's address;
// - that every `logidata` option used in either file is one the binary accepts (`--help`).
// Usage: node manifests_test.mjs LOGIDATA_BINARY
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const binary = process.argv[2];
if (!binary) throw new Error("usage: node manifests_test.mjs LOGIDATA_BINARY");
const errors = [];
const fail = (where, message) => errors.push(`${where}: ${message}`);

// The model class of each kind these manifests use; a new kind must be added here to be checked.
const models = {
  "v1/Namespace": "kubernetes-models/v1/Namespace",
  "v1/Secret": "kubernetes-models/v1/Secret",
  "v1/Service": "kubernetes-models/v1/Service",
  "v1/PersistentVolumeClaim": "kubernetes-models/v1/PersistentVolumeClaim",
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "autoscaling/v2/HorizontalPodAutoscaler": "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
  "policy/v1/PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
  "batch/v1/CronJob": "kubernetes-models/batch/v1/CronJob",
  "networking.k8s.io/v1/Ingress": "kubernetes-models/networking.k8s.io/v1/Ingress",
};

// ---- Kubernetes ------------------------------------------------------------------------------
const k8sDir = join(root, "deploy/kubernetes");
const objects = [];  // {file, obj}
let kustomization = null;
for (const file of readdirSync(k8sDir).filter((f) => f.endsWith(".yaml")).sort()) {
  const docs = parseAllDocuments(readFileSync(join(k8sDir, file), "utf8"));
  docs.forEach((doc, i) => {
    const where = `deploy/kubernetes/${file} document ${i + 1}`;
    if (doc.errors.length) return fail(where, doc.errors.map((e) => e.message).join("; "));
    const obj = doc.toJS({ maxAliasCount: 100 });
    if (obj === null) return;
    if (obj.kind === "Kustomization") { kustomization = { file, obj }; return; }
    objects.push({ file, where: `${where} (${obj.kind} ${obj.metadata?.name})`, obj });
  });
}

for (const { where, obj } of objects) {
  const modelPath = models[`${obj.apiVersion}/${obj.kind}`];
  if (!modelPath) { fail(where, `no schema known for ${obj.apiVersion} ${obj.kind}`); continue; }
  const Model = (await import(modelPath))[obj.kind];
  try {
    new Model(obj).validate();
  } catch (e) {
    fail(where, `schema: ${e.message}`);
  }
}

const byKind = (kind) => objects.filter((o) => o.obj.kind === kind);
const named = (kind, name) => byKind(kind).find((o) => o.obj.metadata.name === name);
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v) && Object.keys(selector ?? {}).length > 0;
const secretHasKey = (name, key) => {
  const s = named("Secret", name);
  return s && Object.hasOwn({ ...s.obj.data, ...s.obj.stringData }, key);
};

// Pod specs of Deployments and CronJobs: named ports, probes, volumes, secrets, options.
const podSpecs = [
  ...byKind("Deployment").map((o) => ({ ...o, spec: o.obj.spec.template.spec })),
  ...byKind("CronJob").map((o) => ({ ...o, spec: o.obj.spec.jobTemplate.spec.template.spec })),
];
const usedOptions = [];  // {where, sub, args}
for (const { where, spec } of podSpecs) {
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  for (const v of spec.volumes ?? []) {
    if (v.secret && !named("Secret", v.secret.secretName)) fail(where, `volume ${v.name}: no Secret ${v.secret.secretName}`);
    if (v.persistentVolumeClaim && !named("PersistentVolumeClaim", v.persistentVolumeClaim.claimName)) {
      fail(where, `volume ${v.name}: no PersistentVolumeClaim ${v.persistentVolumeClaim.claimName}`);
    }
  }
  for (const c of spec.containers) {
    const ports = new Set((c.ports ?? []).map((p) => p.name));
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      const port = c[probe]?.httpGet?.port;
      if (typeof port === "string" && !ports.has(port)) fail(where, `${c.name}.${probe}: no container port named ${port}`);
    }
    for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) fail(where, `${c.name}: mount of unknown volume ${m.name}`);
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref && !secretHasKey(ref.name, ref.key)) fail(where, `${c.name} env ${e.name}: no key ${ref.key} in Secret ${ref.name}`);
    }
    if (c.image !== "logidata") fail(where, `${c.name}: image must be 'logidata' (kustomization images: sets it)`);
    const keyFile = c.args[c.args.indexOf("--master-key-file") + 1];
    if (c.args.includes("--master-key-file")) {
      const mount = (c.volumeMounts ?? []).find((m) => keyFile.startsWith(m.mountPath + "/"));
      const volume = mount && volumes.get(mount.name);
      const key = keyFile.slice(mount?.mountPath.length + 1);
      if (!volume?.secret || !secretHasKey(volume.secret.secretName, key)) {
        fail(where, `${c.name}: --master-key-file ${keyFile} is not a key of a mounted Secret`);
      }
    }
    usedOptions.push({ where: `${where} ${c.name}`, sub: c.args[0], args: c.args });
  }
}

// Deployments select their own pods; Services, PDBs and HPAs find them.
const deployments = byKind("Deployment");
for (const { where, obj } of deployments) {
  if (!matches(obj.spec.selector.matchLabels, obj.spec.template.metadata.labels)) {
    fail(where, "spec.selector does not match the pod template's labels");
  }
}
const podsSelectedBy = (selector) => deployments.filter((d) => matches(selector, d.obj.spec.template.metadata.labels));
for (const { where, obj } of byKind("Service")) {
  const targets = podsSelectedBy(obj.spec.selector);
  if (targets.length !== 1) { fail(where, `selector matches ${targets.length} Deployments, expected 1`); continue; }
  const containerPorts = targets[0].obj.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
  for (const p of obj.spec.ports) {
    const ok = typeof p.targetPort === "string"
      ? containerPorts.some((cp) => cp.name === p.targetPort)
      : containerPorts.some((cp) => cp.containerPort === (p.targetPort ?? p.port));
    if (!ok) fail(where, `port ${p.name}: target ${p.targetPort} is not a container port of ${targets[0].obj.metadata.name}`);
  }
}
for (const { where, obj } of byKind("PodDisruptionBudget")) {
  if (podsSelectedBy(obj.spec.selector.matchLabels).length !== 1) fail(where, "selector does not match exactly one Deployment");
}
for (const { where, obj } of byKind("HorizontalPodAutoscaler")) {
  const ref = obj.spec.scaleTargetRef;
  const target = named(ref.kind, ref.name);
  if (!target) fail(where, `scaleTargetRef: no ${ref.kind} ${ref.name}`);
  else if (obj.spec.metrics.some((m) => m.resource?.name === "cpu") &&
           !target.obj.spec.template.spec.containers.every((c) => c.resources?.requests?.cpu)) {
    fail(where, "CPU utilisation needs a CPU request on every container of the target");
  }
}
for (const { where, obj } of byKind("Ingress")) {
  for (const rule of obj.spec.rules) {
    for (const path of rule.http.paths) {
      const svc = named("Service", path.backend.service.name);
      if (!svc) { fail(where, `path ${path.path}: no Service ${path.backend.service.name}`); continue; }
      const port = path.backend.service.port;
      if (!svc.obj.spec.ports.some((p) => p.name === port.name || p.port === port.number)) {
        fail(where, `path ${path.path}: Service ${svc.obj.metadata.name} has no port ${port.name ?? port.number}`);
      }
    }
    if (!rule.http.paths.some((p) => p.path === "/ws")) fail(where, "no rule for the WebSocket path /ws");
  }
  if (!obj.metadata.annotations?.["nginx.ingress.kubernetes.io/proxy-read-timeout"]) {
    fail(where, "no proxy-read-timeout: idle WebSockets would be closed after 60 s");
  }
}
if (!kustomization) fail("deploy/kubernetes", "no kustomization.yaml");
else {
  const listed = new Set(kustomization.obj.resources);
  const files = new Set(objects.map((o) => o.file));
  for (const f of files) if (!listed.has(f)) fail("deploy/kubernetes/kustomization.yaml", `does not list ${f}`);
  for (const f of listed) if (!files.has(f)) fail("deploy/kubernetes/kustomization.yaml", `lists ${f}, which holds no object`);
}

// ---- Compose ---------------------------------------------------------------------------------
const composeFile = "deploy/compose.yaml";
const compose = parse(readFileSync(join(root, composeFile), "utf8"), { merge: true, maxAliasCount: 100 });
const services = compose.services ?? {};
const longRunning = Object.keys(services).filter((s) => s !== "minio-init");
for (const [name, svc] of Object.entries(services)) {
  const where = `${composeFile} services.${name}`;
  if (!svc.image) fail(where, "no image");
  for (const s of svc.secrets ?? []) if (!compose.secrets?.[s.source ?? s]) fail(where, `unknown secret ${s.source ?? s}`);
  for (const v of svc.volumes ?? []) {
    const source = String(v).split(":")[0];
    if (!source.startsWith(".") && !source.startsWith("/") && !(source in (compose.volumes ?? {}))) fail(where, `unknown volume ${source}`);
  }
  const nets = Array.isArray(svc.networks) ? svc.networks : Object.keys(svc.networks ?? {});
  for (const n of nets) if (!(n in (compose.networks ?? {}))) fail(where, `unknown network ${n}`);
  for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
    if (!services[dep]) { fail(where, `depends_on unknown service ${dep}`); continue; }
    if (!["service_started", "service_healthy", "service_completed_successfully"].includes(condition)) {
      fail(where, `depends_on ${dep}: condition ${condition}`);
    }
    if (condition === "service_healthy" && !services[dep].healthcheck) fail(where, `depends_on ${dep} healthy, which has no healthcheck`);
  }
  if (longRunning.includes(name) && !svc.healthcheck) fail(where, "no healthcheck");
  if (Array.isArray(svc.command) && ["server", "worker"].includes(svc.command[0]) && String(svc.image).includes("logidata")) {
    usedOptions.push({ where, sub: svc.command[0], args: svc.command });
    const env = svc.environment ?? {};
    if (!env.LOGIDATA_MASTER_KEY_FILE?.startsWith("/run/secrets/") ||
        !(svc.secrets ?? []).includes(env.LOGIDATA_MASTER_KEY_FILE.slice("/run/secrets/".length))) {
      fail(where, "the master key must come from a compose secret (LOGIDATA_MASTER_KEY_FILE=/run/secrets/<secret>)");
    }
    if (/:[^@/]*@/.test(env.LOGIDATA_DATABASE_URL ?? "")) fail(where, "LOGIDATA_DATABASE_URL carries a password");
  }
}
{
  const minioIp = services.minio?.networks?.storage?.ipv4_address;
  const allowed = services.server?.environment?.LOGIDATA_ALLOW_EGRESS;
  if (!minioIp || allowed !== `${minioIp}/32`) fail(composeFile, `LOGIDATA_ALLOW_EGRESS (${allowed}) must be MinIO's address ${minioIp}/32 only`);
  const subnet = compose.networks?.storage?.ipam?.config?.[0]?.subnet ?? "";
  if (!minioIp?.startsWith(subnet.split(".").slice(0, 3).join(".") + ".")) fail(composeFile, `MinIO's ${minioIp} is outside ${subnet}`);
  if ((services.worker?.deploy?.replicas ?? 1) < 2) fail(composeFile, "fewer than two workers");
}

// ---- Options the binary accepts ----------------------------------------------------------------
const helpOf = new Map();
for (const { where, sub, args } of usedOptions) {
  if (!helpOf.has(sub)) helpOf.set(sub, execFileSync(binary, [sub, "--help"], { encoding: "utf8" }));
  for (const a of args.filter((x) => typeof x === "string" && x.startsWith("--"))) {
    if (!new RegExp(`(^|[\\s,])${a}([\\s,=]|$)`, "m").test(helpOf.get(sub))) fail(where, `logidata ${sub} has no option ${a}`);
  }
}

const checked = objects.length;
if (errors.length) {
  console.error(errors.map((e) => "  " + e).join("\n"));
  console.error(`deploy manifests: ${errors.length} problem(s)`);
  process.exit(1);
}
console.log(`deploy manifests: ${checked} Kubernetes objects schema-valid and consistent; compose file consistent; ` +
            `${usedOptions.length} command lines use only options logidata accepts`);
