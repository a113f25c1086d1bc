import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import yaml from "js-yaml";
import {
  ConfigError,
  checkTemplate,
  loadConfig,
  renderClusterTemplate,
  resolveTemplateValues,
  secretFieldNames,
  templateVariablesSchema,
  type ApplicationConfig,
  type ServicesConfig,
  type TemplateVariables,
} from "../src/config/index.js";
import { digest } from "../src/hooks/digest.js";
import { HookResource } from "./hook-resource.js";
import { checkObjectName, resourcePrefix } from "./names.js";

export interface ClusterTemplateProps {
  /**
   * Name of the cluster template in Operations Center. Case-sensitive; must not contain
   * \ / : * ? " < > |. Changing it creates a template under the new name and deletes the old one.
   */
  readonly name: string;
  /** Free-text description stored with the template. @default "" */
  readonly description?: string;
  /**
   * The services config template: a path to a YAML/JSON file read as raw text (like
   * `operations-center provisioning cluster-template add --services-config FILE`), or an object
   * written as YAML. `@VARIABLE@` placeholders are replaced as raw text when a cluster is created
   * from the template, so quote them where the result must stay a string.
   */
  readonly servicesConfig: string | Record<string, unknown>;
  /** The application (Incus preseed) config template: a file path or an object, as servicesConfig. */
  readonly applicationConfig: string | Record<string, unknown>;
  /**
   * Variable definitions, `NAME: { description, default }`, or a path to such a YAML file. Every
   * variable must be used by a template and every placeholder defined (the server refuses
   * otherwise); a variable without a non-empty default must get a value from every cluster.
   */
  readonly variables: Record<string, { readonly description?: string; readonly default?: string }> | string;
}

/**
 * A cluster template in Operations Center: `<id>_template_id` deletes it on destroy,
 * `<id>_template` creates it or replaces its content when the code changes.
 */
export class ClusterTemplate extends Construct {
  /** Name of the template in Operations Center. */
  readonly name: string;
  readonly variables: TemplateVariables;
  readonly servicesTemplate: string;
  readonly applicationTemplate: string;
  /** The content resource; clusters created from this template depend on it. */
  readonly content: HookResource;

  constructor(scope: Construct, id: string, props: ClusterTemplateProps) {
    super(scope, id);
    const where = `ClusterTemplate '${this.node.path}'`;
    this.name = checkObjectName("ClusterTemplate", this.node.path, props.name);
    this.servicesTemplate = templateText(where, "servicesConfig", props.servicesConfig);
    this.applicationTemplate = templateText(where, "applicationConfig", props.applicationConfig);
    this.variables = withConfigErrors(where, () =>
      loadConfig(templateVariablesSchema, props.variables, { label: "variables" }).value,
    );
    const problems = checkTemplate({
      servicesTemplate: this.servicesTemplate,
      applicationTemplate: this.applicationTemplate,
      variables: this.variables,
    });
    if (problems.length > 0) throw new Error(`${where}: ${new ConfigError(problems).message}`);

    const prefix = resourcePrefix(id);
    const variables = Object.fromEntries(
      Object.entries(this.variables).map(([k, v]) => [k, { description: v.description ?? "", default: v.default ?? "" }]),
    );
    const identity = new HookResource(this, "template_id", {
      resourceName: `${prefix}_template_id`,
      triggers: { name: this.name },
      destroy: { kind: "template-destroy", fromTriggers: { OC_CDKTF_TEMPLATE: "name" } },
    });
    this.content = new HookResource(this, "template", {
      resourceName: `${prefix}_template`,
      triggers: {
        name: this.name,
        description: props.description ?? "",
        service_config_template: readableText(this.servicesTemplate),
        application_config_template: readableText(this.applicationTemplate),
        variables,
      },
      spec: {
        kind: "template",
        construct_path: this.node.path,
        template: this.name,
        description: props.description ?? "",
        service_config_template: this.servicesTemplate,
        application_config_template: this.applicationTemplate,
        variables,
      },
      dependsOn: [identity.resource],
    });
  }

  /**
   * Renders the template with a cluster's values, as the server will, and validates the result.
   * Throws naming `where` when a value is missing or the rendered config is invalid.
   */
  render(where: string, values: Record<string, string>): { servicesConfig: ServicesConfig; applicationConfig: ApplicationConfig } {
    const resolved = resolveTemplateValues(this.variables, values);
    if (resolved.problems.length > 0) throw new Error(`${where}: ${new ConfigError(resolved.problems).message}`);
    return withConfigErrors(where, () =>
      renderClusterTemplate({
        name: this.name,
        servicesTemplate: this.servicesTemplate,
        applicationTemplate: this.applicationTemplate,
        values: resolved.values,
      }),
    );
  }
}

function templateText(where: string, prop: string, input: string | Record<string, unknown>): string {
  if (typeof input !== "string") return yaml.dump(input, { lineWidth: -1 });
  try {
    return readFileSync(path.resolve(input), "utf8");
  } catch (err) {
    throw new Error(`${where}: cannot read ${prop} file ${input}: ${(err as NodeJS.ErrnoException).code ?? String(err)}. Give a path relative to the directory cdktf runs in.`);
  }
}

/** Template text goes into the plan as is, unless it mentions a secret field: then only its digest. */
function readableText(text: string): string {
  return secretFieldNames.some((field) => text.includes(field)) ? digest(text) : text;
}

/** Runs a config loader and prefixes its ConfigError with the construct. */
export function withConfigErrors<T>(where: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`${where}: ${err.message}`);
    throw err;
  }
}
