// Secrets in cluster templates. A template's text and its variables' defaults are plain
// attributes, shown in plans and stored in state, so a secret leaf of the services or application
// config (src/config/secrets.ts decides which) must be a placeholder without a default: each
// cluster then gives the value, as a secret, when it is created from the template.
import { formatPath } from "../../config/errors.js";
import type { SecretKind } from "../../config/secrets.js";
import { templateLimitProblem, templateSecretLeaves } from "../../config/template-secrets.js";
import type { Diagnostic } from "../plugin/types.js";

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
  const limit = templateLimitProblem(text);
  if (limit !== undefined) return [{ severity: "error", summary: `${attribute}: ${limit}`, path: [attribute] }];
  const leaves = templateSecretLeaves(kind, text) ?? [];
  const problems: Diagnostic[] = [];
  for (const leaf of leaves) {
    const field = `${attribute}.${formatPath(leaf.path)}`;
    const variables = leaf.variables;
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
    for (const name of variables) {
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
