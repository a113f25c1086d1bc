// A create from a template, checked at plan time against the template as Operations Center has
// it (when it exists already; one created in the same apply is checked by the server): every
// required variable needs a value, and a value that lands in a secret field must travel in
// secrets_wo, not in template_variables (which plan and state show).
import type { ClusterTemplate } from "../../../client/api-types.js";
import { resolveTemplateValues } from "../../../config/template.js";
import { secretTemplateVariables } from "../../../config/template-secrets.js";
import type { Diagnostic } from "../../plugin/types.js";

export function templateValueProblems(template: ClusterTemplate, publicValues: Record<string, string>, secretValues: Record<string, string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const secret = secretTemplateVariables({ servicesTemplate: template.service_config_template, applicationTemplate: template.application_config_template });
  for (const name of Object.keys(publicValues)
    .filter((n) => secret.has(n))
    .sort()) {
    out.push({
      severity: "error",
      summary: `template_variables.${name} fills a secret field of template "${template.name}"`,
      detail: `template_variables is shown in plans and stored in state. Give ${name} in secrets_wo.template_variables instead.`,
      path: ["template_variables"],
    });
  }
  const variables = Object.fromEntries(Object.entries(template.variables).map(([name, v]) => [name, { description: v.description, default: v.default }]));
  const { problems } = resolveTemplateValues(variables, { ...publicValues, ...secretValues }, { values: "template_variables" });
  for (const problem of problems) {
    out.push({
      severity: "error",
      summary: `template_variables.${problem.path}: ${problem.message}`,
      detail: `Template "${template.name}" defines the variable; give its value in template_variables (or secrets_wo.template_variables when it is secret).`,
      path: ["template_variables"],
    });
  }
  return out;
}
