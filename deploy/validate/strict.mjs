// Unknown fields: every field of a resource must be one its kind declares, at every depth. The schemas
// the models validate with (ajv, compiled) accept fields they do not know, so a misspelt field
// (`livenessprobe`, `resources.limit`) would pass and be dropped by the API server without a word. The
// models' TypeScript declarations list each type's fields: this reads them, for Kubernetes' own kinds and
// for the CRDs alike.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.join(here, "node_modules");

/** file → { imports: name → file, interfaces: name → body text } */
const files = new Map();

function declarations(file) {
  if (files.has(file)) return files.get(file);
  const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const imports = new Map();
  for (const m of text.matchAll(/import\s*\{([^}]+)\}\s*from\s*"([^"]+)"/g)) {
    for (const name of m[1].split(",").map((s) => s.trim().split(/\s+as\s+/).pop())) {
      if (name) imports.set(name, m[2]);
    }
  }
  const interfaces = new Map();
  const bases = new Map();
  for (const m of text.matchAll(/export interface (\w+)([^{]*)\{/g)) {
    interfaces.set(m[1], body(text, m.index + m[0].length - 1));
    const extended = m[2].match(/extends\s+([\w\s,<>]+)/);
    bases.set(m[1], extended ? extended[1].split(",").map((s) => s.trim().replace(/<.*$/, "")).filter((s) => s) : []);
  }
  // the names other files import them by: `export { IStatefulSetSpec as IIoK8sApiAppsV1StatefulSetSpec }`
  for (const m of text.matchAll(/export\s*(?:type\s*)?\{([^}]+)\}/g)) {
    for (const part of m[1].split(",")) {
      const [local, exported] = part.trim().split(/\s+as\s+/);
      if (exported && interfaces.has(local)) {
        interfaces.set(exported, interfaces.get(local));
        bases.set(exported, bases.get(local));
      }
    }
  }
  const entry = { file, imports, interfaces, bases };
  files.set(file, entry);
  return entry;
}

/** The text between the brace at {@code open} and its match. */
function body(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error("unbalanced braces");
}

/** The fields of an object type's body: name → type text; null for a map (an index signature). */
function fields(text) {
  const out = new Map();
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const m = rest.match(/^\s*(?:"([^"]+)"|(\w+))\??\s*:\s*/);
    const index = rest.match(/^\s*\[\s*\w+\s*:\s*string\s*\]\s*:/);
    if (index) return null;
    if (!m) {
      if (/^\s*$/.test(rest)) break;
      i++;
      continue;
    }
    i += m[0].length;
    let depth = 0;
    let start = i;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === "{" || c === "<" || c === "(" || c === "[") depth++;
      else if (c === "}" || c === ">" || c === ")" || c === "]") depth--;
      else if (c === ";" && depth === 0) break;
    }
    out.set(m[1] ?? m[2], text.slice(start, i).trim());
    i++;
  }
  return out;
}

function resolveImport(from, specifier) {
  if (specifier.startsWith(".")) {
    return path.resolve(path.dirname(from), specifier.replace(/\.js$/, "") + ".d.ts");
  }
  return path.join(modules, specifier.replace(/\.js$/, "") + ".d.ts");
}

/**
 * A type to walk: { kind: "object", fields } | { kind: "map" } | { kind: "array", of } | { kind: "leaf" }.
 */
function typeOf(text, where) {
  let t = text.trim();
  // a union: the object-like member decides (`X | null`, string literals)
  const members = split(t, "|");
  if (members.length > 1) {
    const walkable = members.map((m) => typeOf(m, where)).find((m) => m.kind !== "leaf");
    return walkable ?? { kind: "leaf" };
  }
  const array = t.match(/^Array<([\s\S]*)>$/);
  if (array) return { kind: "array", of: typeOf(array[1], where) };
  if (t.endsWith("[]")) return { kind: "array", of: typeOf(t.slice(0, -2), where) };
  if (t.startsWith("{")) {
    const f = fields(t.slice(1, t.lastIndexOf("}")));
    return f === null
      ? { kind: "map" }
      : { kind: "object", fields: new Map([...f].map(([k, v]) => [k, { type: v, where }])) };
  }
  if (/^I[A-Z]\w*$/.test(t)) return interfaceType(t, where);
  return { kind: "leaf" };
}

function split(text, separator) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "<" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ">" || c === ")" || c === "]") depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p);
}

function interfaceType(name, where) {
  const decl = declarations(where);
  let file = where;
  if (!decl.interfaces.has(name)) {
    const specifier = decl.imports.get(name);
    if (!specifier) return { kind: "leaf" }; // a type the declarations do not spell out: accept it
    file = resolveImport(where, specifier);
    if (!fs.existsSync(file)) return { kind: "leaf" };
  }
  const target = declarations(file);
  const text = target.interfaces.get(name);
  if (text === undefined) return { kind: "leaf" };
  const f = fields(text);
  if (f === null) return { kind: "map" };
  // the fields of the interfaces it extends (TypeMeta's apiVersion and kind are declared anyway); a field
  // keeps the file its type is named in
  const own = new Map([...f].map(([k, v]) => [k, { type: v, where: file }]));
  for (const base of target.bases.get(name) ?? []) {
    if (base === "TypeMeta") continue;
    const inherited = interfaceType(base, file);
    if (inherited.kind === "object") {
      for (const [k, v] of inherited.fields) if (!own.has(k)) own.set(k, v);
    }
  }
  return { kind: "object", fields: own };
}

/** The declaration file of a resource's kind, from the module its apiVersion maps to. */
export function kindFile(module, kind) {
  const file = path.join(modules, module, `${kind}.d.ts`);
  return fs.existsSync(file) ? file : null;
}

/** Reports every field of {@code doc} its kind does not declare, with its path. */
export function unknownFields(doc, module, fault) {
  const file = kindFile(module, doc.kind);
  if (!file) return;
  const root = interfaceType(`I${doc.kind}`, file);
  walk(doc, root, "", (where) => fault(doc, `unknown field ${where}`));
}

function walk(value, type, where, report) {
  if (value === null || value === undefined) return;
  if (type.kind === "array") {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, type.of, `${where}[${i}]`, report));
    return;
  }
  if (type.kind !== "object" || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const declared = type.fields.get(key);
    const at = where ? `${where}.${key}` : key;
    if (declared === undefined) {
      report(at);
      continue;
    }
    walk(v, declared.node ?? typeOf(declared.type, declared.where), at, report);
  }
}

// Types written out by hand, for a kind no package declares (the EMQX Operator's): objects of named fields
// whose leaves may be Kubernetes' own types, walked as strictly as the declared kinds.

/** Kubernetes' own type {@code name} (`Affinity`, `Probe`, …), from the models' declarations. */
export function k8s(name) {
  const meta = name === "ObjectMeta";
  const file = meta
    ? path.join(modules, "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta.d.ts")
    : path.join(modules, "kubernetes-models/v1", `${name}.d.ts`);
  if (!fs.existsSync(file)) throw new Error(`no declaration of ${name}`);
  return interfaceType(`I${name}`, file);
}
export const leaf = { kind: "leaf" };
export const map = { kind: "map" };
export const array = (of) => ({ kind: "array", of });
export const object = (fields) => ({
  kind: "object",
  fields: new Map(Object.entries(fields).map(([k, node]) => [k, { node }])),
});

/** Reports every field of {@code doc} that the hand-written type {@code root} does not have. */
export function unknownFieldsOf(doc, root, fault) {
  walk(doc, root, "", (where) => fault(doc, `unknown field ${where}`));
}

