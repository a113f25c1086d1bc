// The parts of Terraform's machine-readable output the reviewer reads: the plan document of
// `terraform show -json <planfile>`, and the message stream of `terraform plan -json` (where a
// failed plan's diagnostics are, since no plan file is written then).
import { z } from "zod";

/** An attribute path step of replace_paths: an attribute name, a list index or a map key. */
const pathStep = z.union([z.string(), z.number()]);

const changeSchema = z.looseObject({
  actions: z.array(z.string()),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  /** true, or an object/array of the same shape as after, marking values known only after apply. */
  after_unknown: z.unknown().optional(),
  /** The same shape, marking sensitive values. */
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(pathStep)).optional(),
});
export type Change = z.infer<typeof changeSchema>;

const resourceChangeSchema = z.looseObject({
  address: z.string(),
  mode: z.string().optional(),
  type: z.string(),
  name: z.string(),
  provider_name: z.string().optional(),
  action_reason: z.string().optional(),
  change: changeSchema,
});
export type ResourceChange = z.infer<typeof resourceChangeSchema>;

const stateResourceSchema = z.looseObject({
  address: z.string(),
  mode: z.string().optional(),
  type: z.string(),
  name: z.string(),
  values: z.record(z.string(), z.unknown()).nullish(),
  depends_on: z.array(z.string()).optional(),
});
export type StateResource = z.infer<typeof stateResourceSchema>;

interface StateModule {
  resources?: StateResource[] | undefined;
  child_modules?: StateModule[] | undefined;
}
const stateModuleSchema: z.ZodType<StateModule> = z.lazy(() =>
  z.looseObject({
    resources: z.array(stateResourceSchema).optional(),
    child_modules: z.array(stateModuleSchema).optional(),
  }),
);

/** The state part of `terraform show -json` (of a state, or a plan's prior_state). */
const stateValuesSchema = z.looseObject({
  values: z.looseObject({ root_module: stateModuleSchema.optional() }).optional(),
});
type StateValues = z.infer<typeof stateValuesSchema>;

/** Every resource of a state, child modules included. */
export function stateResources(state: StateValues | undefined): StateResource[] {
  const walk = (module: StateModule | undefined): StateResource[] =>
    module === undefined ? [] : [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(walk)];
  return walk(state?.values?.root_module);
}

const expressionSchema = z.looseObject({ constant_value: z.unknown().optional(), references: z.array(z.string()).optional() });

/** One provider block of the configuration: only constant expressions carry a value. */
const providerConfigSchema = z.looseObject({
  name: z.string(),
  full_name: z.string().optional(),
  expressions: z.record(z.string(), expressionSchema).optional(),
});

/** A resource block of the root module: what it refers to decides when apply runs it. */
const configResourceSchema = z.looseObject({
  address: z.string(),
  depends_on: z.array(z.string()).optional(),
  expressions: z.unknown().optional(),
});

export const planSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  resource_changes: z.array(resourceChangeSchema).default([]),
  /** Changes refresh found: what someone did outside Terraform. */
  resource_drift: z.array(resourceChangeSchema).default([]),
  prior_state: stateValuesSchema.optional(),
  configuration: z
    .looseObject({
      provider_config: z.record(z.string(), providerConfigSchema).optional(),
      root_module: z.looseObject({ resources: z.array(configResourceSchema).optional() }).optional(),
    })
    .optional(),
  errored: z.boolean().optional(),
  applyable: z.boolean().optional(),
});
export type Plan = z.infer<typeof planSchema>;

const diagnosticSchema = z.looseObject({
  severity: z.string(),
  summary: z.string(),
  detail: z.string().optional(),
  address: z.string().optional(),
});
export type PlanDiagnostic = z.infer<typeof diagnosticSchema>;

/** A message of `terraform plan -json`; only diagnostics matter to the reviewer. */
const streamMessageSchema = z.looseObject({
  type: z.string(),
  "@level": z.string().optional(),
  "@message": z.string().optional(),
  diagnostic: diagnosticSchema.optional(),
});

/** What the reviewer got: a plan document, the diagnostics of a plan stream, or both. */
export interface PlanInput {
  plan?: Plan;
  diagnostics: PlanDiagnostic[];
}

/**
 * Parses one input text: a plan document (one JSON object with format_version) or a
 * `terraform plan -json` stream (one JSON message a line). `source` names it in errors.
 */
export function parsePlanText(text: string, source: string): PlanInput {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error(`${source} is empty: give the output of terraform show -json <planfile> (or of terraform plan -json)`);
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    return { diagnostics: parseStream(trimmed, source) };
  }
  const parsed = planSchema.safeParse(whole);
  if (parsed.success) {
    // terraform show -json of a state has format_version too, but no planned values.
    const keys = Object.keys(whole as object);
    if (!keys.includes("planned_values") && !keys.includes("resource_changes") && keys.includes("values")) {
      throw new Error(`${source} is a Terraform state, not a plan: give terraform show -json <planfile> (the file of terraform plan -out)`);
    }
    return { plan: parsed.data, diagnostics: [] };
  }
  const message = streamMessageSchema.safeParse(whole);
  if (message.success) return { diagnostics: message.data.diagnostic === undefined ? [] : [message.data.diagnostic] };
  const issue = parsed.error.issues[0];
  throw new Error(
    `${source} is not a Terraform plan in JSON (${issue === undefined ? "unknown shape" : `${issue.path.join(".") || "top level"}: ${issue.message}`}); ` +
      "produce it with: terraform plan -out plan.bin && terraform show -json plan.bin",
  );
}

function parseStream(text: string, source: string): PlanDiagnostic[] {
  const out: PlanDiagnostic[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${source} line ${index + 1} is not JSON: give terraform show -json <planfile> output, or terraform plan -json output`);
    }
    const message = streamMessageSchema.safeParse(value);
    if (!message.success) throw new Error(`${source} line ${index + 1} is not a terraform plan -json message (it has no "type")`);
    if (message.data.diagnostic !== undefined) out.push(message.data.diagnostic);
  });
  return out;
}
