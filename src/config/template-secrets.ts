// Secrets in cluster templates: which leaves of a rendered services or application config are
// secret (./secrets.ts decides), and which template variables fill them. Placeholders are
// replaced by a plain word before parsing (`@` cannot start a YAML scalar, `~` cannot occur in a
// variable name), so the parsed document shows which variable lands where.
import { YamlLimitError, loadYaml } from "./input-limits.js";
import { isSecretPath, type SecretKind } from "./secrets.js";
import { placeholdersIn } from "./template.js";

const PLACEHOLDER = /@([A-Za-z0-9_]+)@/g;
const MARKER = /ocph~([A-Za-z0-9_]+)~/g;

interface TemplateSecretLeaf {
  /** Path of the secret leaf in the rendered config. */
  readonly path: readonly (string | number)[];
  /** Variables whose value lands in it; empty for a literal secret. */
  readonly variables: readonly string[];
}

function collect(kind: SecretKind, node: unknown, path: (string | number)[], found: TemplateSecretLeaf[]): void {
  if (path.length > 0 && isSecretPath(kind, path)) {
    if (node === null || node === undefined || node === "") return;
    const text = typeof node === "string" ? node : JSON.stringify(node);
    found.push({ path, variables: [...new Set([...text.matchAll(MARKER)].map((m) => m[1]!))] });
    return;
  }
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) collect(kind, item, [...path, index], found);
  } else if (typeof node === "object" && node !== null) {
    for (const [key, item] of Object.entries(node)) collect(kind, item, [...path, key], found);
  }
}

type ParsedTemplate = { document: unknown } | { syntax: true } | { limit: string };

/** One template text parsed with its placeholders standing in. */
function parseTemplate(text: string): ParsedTemplate {
  try {
    return { document: loadYaml(text.replace(PLACEHOLDER, (_, name: string) => `ocph~${name}~`)) };
  } catch (error) {
    if (error instanceof YamlLimitError) return { limit: error.reason };
    return { syntax: true };
  }
}

/**
 * What is wrong when a template text is over an input limit (nesting, aliases), phrased to
 * follow its name; undefined otherwise (a syntax error is left to cluster creation, as the
 * server does).
 */
export function templateLimitProblem(text: string): string | undefined {
  const parsed = parseTemplate(text);
  return "limit" in parsed ? parsed.limit : undefined;
}

/**
 * The secret leaves of one template text with the variables that fill them, or undefined when
 * the text is not a YAML mapping with its placeholders standing in.
 */
export function templateSecretLeaves(kind: SecretKind, text: string): TemplateSecretLeaf[] | undefined {
  const parsed = parseTemplate(text);
  if (!("document" in parsed)) return undefined;
  const document = parsed.document;
  if (typeof document !== "object" || document === null || Array.isArray(document)) return undefined;
  const found: TemplateSecretLeaf[] = [];
  collect(kind, document, [], found);
  return found;
}

/**
 * Which of a cluster's template values are secret. With the template's texts at hand, those that
 * land in a secret field; without them (a template known only by name, whose text may change
 * before the cluster is created), every value: a value is public only when it is known to be.
 */
export function secretTemplateValueNames(
  values: Readonly<Record<string, string>>,
  templates: { servicesTemplate: string; applicationTemplate: string } | undefined,
): Set<string> {
  if (templates === undefined) return new Set(Object.keys(values));
  const secret = secretTemplateVariables(templates);
  return new Set(Object.keys(values).filter((name) => secret.has(name)));
}

/**
 * Names of the variables used in a secret field of either template. A template that does not
 * parse with markers in place counts every variable it uses as secret: keeping a value out of
 * state is the safe side.
 */
export function secretTemplateVariables(templates: { servicesTemplate: string; applicationTemplate: string }): Set<string> {
  const found = new Set<string>();
  const pairs: Array<[SecretKind, string]> = [
    ["services", templates.servicesTemplate],
    ["application", templates.applicationTemplate],
  ];
  for (const [kind, text] of pairs) {
    const leaves = templateSecretLeaves(kind, text);
    const variables = leaves === undefined ? placeholdersIn(text) : leaves.flatMap((leaf) => leaf.variables);
    for (const name of variables) found.add(name);
  }
  return found;
}
