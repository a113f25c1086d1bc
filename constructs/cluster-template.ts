import * as path from "node:path";
import { Construct } from "constructs";
import yaml from "js-yaml";
import {
  checkTemplate,
  loadConfig,
  renderClusterTemplate,
  resolveTemplateValues,
  templateVariablesSchema,
  type ApplicationConfig,
  type ServicesConfig,
  type TemplateVariables,
} from "../src/config/index.js";
import { MAX_FILE_BYTES, readRegularFile, shapeProblem } from "../src/config/input-limits.js";
import { templateLimitProblem } from "../src/config/template-secrets.js";
import { checkObjectName, literal, terraformName } from "./names.js";
import { OperationsCenter } from "./operations-center.js";
import { failOnConfigProblems, synthError, withConfigErrors } from "./synth-errors.js";
import { ClusterTemplate as ClusterTemplateResource } from "./provider/cluster-template/index.js";

export interface ClusterTemplateProps {
  /**
   * Name of the cluster template in Operations Center. Case-sensitive; must not contain
   * \ / : * ? " < > |. A change renames the template in place (with If-Match).
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
  /**
   * The application (Incus preseed) config template: a file path or an object, as servicesConfig.
   * Operations Center takes an empty template as an empty application config. @default ""
   */
  readonly applicationConfig?: string | Record<string, unknown>;
  /**
   * Variable definitions, `NAME: { description, default }`, or a path to such a YAML file. Every
   * variable must be used by a template and every placeholder defined (the server refuses
   * otherwise); a variable without a non-empty default must get a value from every cluster.
   * Optional: a template without placeholders has none, as Operations Center allows.
   * @default {}
   */
  readonly variables?: Record<string, { readonly description?: string; readonly default?: string }> | string;
}

/**
 * A cluster template in Operations Center: one `operationscenter_cluster_template` resource,
 * updated in place when the code changes and deleted on destroy.
 */
export class ClusterTemplate extends Construct {
  /** Name of the template in Operations Center. */
  readonly name: string;
  readonly variables: TemplateVariables;
  readonly servicesTemplate: string;
  readonly applicationTemplate: string;
  /** The L1 resource; clusters created from this template depend on it. */
  readonly resource: ClusterTemplateResource;

  constructor(scope: Construct, id: string, props: ClusterTemplateProps) {
    super(scope, id);
    const where = `ClusterTemplate '${this.node.path}'`;
    this.name = checkObjectName("ClusterTemplate", this.node.path, props.name);
    this.servicesTemplate = templateText(where, "servicesConfig", props.servicesConfig);
    this.applicationTemplate = props.applicationConfig === undefined ? "" : templateText(where, "applicationConfig", props.applicationConfig);
    this.variables = withConfigErrors(where, () => loadConfig(templateVariablesSchema, props.variables ?? {}, { label: "variables" }).value);
    const problems = checkTemplate({
      servicesTemplate: this.servicesTemplate,
      applicationTemplate: this.applicationTemplate,
      variables: this.variables,
    });
    failOnConfigProblems(where, problems);

    const oc = OperationsCenter.of(this);
    const resourceName = terraformName(this);
    oc.claimTerraformName(resourceName, this.node.path);
    const variables = Object.fromEntries(
      Object.entries(this.variables).map(([k, v]) => [k, { description: literal(v.description ?? ""), default: literal(v.default ?? "") }]),
    );
    this.resource = new ClusterTemplateResource(this, "resource", {
      provider: oc.provider,
      name: literal(this.name),
      description: literal(props.description ?? ""),
      servicesConfig: literal(this.servicesTemplate),
      applicationConfig: this.applicationTemplate === "" ? undefined : literal(this.applicationTemplate),
      variables,
    });
    this.resource.overrideLogicalId(resourceName);
  }

  /**
   * Renders the template with a cluster's values, as the server will, and validates the result.
   * Throws naming `where` when a value is missing or the rendered config is invalid.
   * @internal Called by Cluster; not part of the public API.
   */
  render(where: string, values: Record<string, string>): { servicesConfig: ServicesConfig; applicationConfig: ApplicationConfig } {
    const resolved = resolveTemplateValues(this.variables, values);
    failOnConfigProblems(where, resolved.problems);
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
  if (typeof input !== "string") {
    const shape = shapeProblem(input);
    if (shape !== undefined) throw synthError(where, [`${prop} ${shape}`]);
    return yaml.dump(input, { lineWidth: -1 });
  }
  const read = readRegularFile(path.resolve(input), MAX_FILE_BYTES.config);
  if (!read.ok)
    throw synthError(where, [
      `${prop} file ${JSON.stringify(input)} ${read.reason}${read.missing ? "; give a path relative to the directory cdktf runs in" : ""}`,
    ]);
  const limit = templateLimitProblem(read.text);
  if (limit !== undefined) throw synthError(where, [`${prop} file ${JSON.stringify(input)}: ${limit}`]);
  return read.text;
}
