// Secrets in cluster templates. A template's text and its variables' defaults are plain
// attributes, shown in plans and stored in state, so a secret leaf of the services or application
// config (src/config/secrets.ts decides which) must be a placeholder without a default: each
// cluster then gives the value, as a secret, when it is created from the template.
import yaml from "js-yaml";
import { formatPath } from "../../config/errors.js";
import { isSecretPath, splitSecrets, type JsonObject, type SecretKind } from "../../config/secrets.js";
import type { Diagnostic } from "../plugin/types.js";

// Placeholders are replaced by a plain word before parsing: `@` cannot start a YAML scalar, and
// the word shows which variable fills a leaf. `~` cannot occur in a variable name.
const PLACEHOLDER = /@([A-Za-z0-9_]+)@/g;
const MARKER = /ocph~([A-Za-z0-9_]+)~/g;

type Path = (string | number)[];

/** Each secret leaf of a config with the text of its value. */
function secretLeaves(kind: SecretKind, node: unknown, path: Path, found: { path: Path; text: string }[]): void {
  if (path.length > 0 && isSecretPath(kind, path)) {
    found.push({ path, text: typeof node === "string" ? node : JSON.stringify(node) });
    return;
  }
  if (Array.isArray(node)) node.forEach((item, index) => secretLeaves(kind, item, [...path, index], found));
  else if (typeof node === "object" && node !== null) {
    for (const [key, item] of Object.entries(node)) secretLeaves(kind, item, [...path, key], found);
  }
}

/**
 * Errors for the secret leaves of one template text: a literal value (on `attribute`), and a
 * variable with a non-empty default at a secret leaf (on that variable). Never the value itself.
 * A text that is not valid YAML with its placeholders standing in is left to cluster creation.
 */
export function templateSecretProblems(
  kind: SecretKind,
  attribute: "services_config" | "application_config",
  text: string,
  defaults: Readonly<Record<string, string>> | undefined,
): Diagnostic[] {
  let document: unknown;
  try {
    document = yaml.load(text.replace(PLACEHOLDER, (_, name: string) => `ocph~${name}~`));
  } catch {
    return [];
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) return [];
  const leaves: { path: Path; text: string }[] = [];
  secretLeaves(kind, splitSecrets(kind, document as JsonObject).secrets, [], leaves);
  const problems: Diagnostic[] = [];
  for (const leaf of leaves) {
    const field = `${attribute}.${formatPath(leaf.path)}`;
    const variables = [...leaf.text.matchAll(MARKER)].map((m) => m[1]!);
    if (variables.length === 0) {
      problems.push({
        severity: "error",
        summary: `${field} holds a literal secret; a template is shown in plans and stored in state`,
        detail:
          `Put a placeholder there (e.g. @SECRET_NAME@, defined in variables with an empty default) and give the value ` +
          `when a cluster is created from the template, in the cluster's secrets_wo template_variables.`,
        path: [attribute],
      });
      continue;
    }
    for (const name of new Set(variables)) {
      if ((defaults?.[name] ?? "") === "") continue;
      problems.push({
        severity: "error",
        summary: `variables[${JSON.stringify(name)}].default: @${name}@ fills the secret field ${field}, and a default is shown in plans and stored in state`,
        detail: `Leave the default empty, so every cluster gives the value, as a secret, in its secrets_wo template_variables.`,
        path: ["variables", { key: name }, "default"],
      });
    }
  }
  return problems;
}
