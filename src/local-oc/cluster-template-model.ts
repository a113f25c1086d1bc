// Model layer of /1.0/provisioning/cluster-templates: the only code that changes templates. It
// checks what OC checks, throws OC's errors (errors.ts) and marks its changes for persistence;
// the routes (cluster-templates.ts) decode requests into these calls and encode the answers.

import { loadYaml } from "../config/input-limits.js";
import { forbiddenNameCharacter, NAME_FORBIDDEN_CHARACTERS } from "../config/object-name.js";
import type { Context } from "./context.js";
import { constraint, notFound, q, validation, type OCError } from "./errors.js";
import type { TemplateRecord } from "./persisted.js";
import { nowString } from "./state.js";

const VARIABLE_PATTERN = /@[a-zA-Z0-9_]+@/;
const VARIABLE_PATTERN_ALL = /@[a-zA-Z0-9_]+@/g;

/** The four ClusterTemplatePut fields: a PUT replaces all of them. */
export type TemplateContent = Omit<TemplateRecord, "name" | "last_updated">;

function fail(err: OCError, prefix: string): never {
  throw err.wrap(prefix);
}

/** The templates ordered by name. */
export function listTemplates(ctx: Context): TemplateRecord[] {
  return [...ctx.store.data.templates].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The named template, or 404 (wrapped in `context` where OC wraps it). */
export function getTemplate(ctx: Context, name: string, context?: string): TemplateRecord {
  const t = ctx.store.template(name);
  if (t === undefined) throw context === undefined ? notFound() : notFound().wrap(context);
  return t;
}

export function createTemplate(ctx: Context, name: string, content: TemplateContent): void {
  const store = ctx.store;
  const record: TemplateRecord = { name, ...content, last_updated: nowString() };
  try {
    validateTemplate(record);
    if (store.template(record.name) !== undefined) throw constraint("Constraint violation");
  } catch (err) {
    fail(err as OCError, "Failed creating cluster config template");
  }
  store.data.templates.push(record);
  ctx.changed();
}

export function updateTemplate(ctx: Context, t: TemplateRecord, content: TemplateContent): void {
  const updated: TemplateRecord = { ...t, ...content, last_updated: nowString() };
  try {
    validateTemplate(updated);
  } catch (err) {
    fail(err as OCError, `Failed updating cluster config template ${q(t.name)}`);
  }
  Object.assign(t, updated);
  ctx.changed();
}

export function renameTemplate(ctx: Context, t: TemplateRecord, newName: string): void {
  const name = t.name;
  try {
    // Rename only checks for a non-empty name (not the forbidden characters).
    if (newName === "") throw validation("New cluster template name cannot by empty");
    if (newName !== name && ctx.store.template(newName) !== undefined) throw constraint("Constraint violation");
  } catch (err) {
    fail(err as OCError, `Failed renaming cluster config template ${q(name)}`);
  }
  t.name = newName;
  t.last_updated = nowString();
  ctx.changed();
}

export function deleteTemplate(ctx: Context, name: string): void {
  const t = getTemplate(ctx, name);
  ctx.store.data.templates = ctx.store.data.templates.filter((x) => x !== t);
  ctx.changed();
}

/**
 * operations-center@41a98e0 internal/provisioning/cluster_template_model.go (ClusterTemplate.Validate),
 * including its "Varible" typo.
 */
function validateTemplate(t: Pick<TemplateRecord, "name" | "service_config_template" | "application_config_template" | "variables">): void {
  if (t.name === "") throw validation("Invalid cluster template, name can not be empty");
  if (forbiddenNameCharacter(t.name) !== undefined) throw validation(`Invalid cluster template, name can not contain any of ${q(NAME_FORBIDDEN_CHARACTERS)}`);
  for (const variable of Object.keys(t.variables)) {
    const placeholder = `@${variable}@`;
    if (!VARIABLE_PATTERN.test(placeholder)) {
      throw validation(`Varible ${q(variable)} does not match the expected pattern or contains invalid characters`);
    }
    if (t.service_config_template.includes(placeholder) || t.application_config_template.includes(placeholder)) continue;
    throw validation(`Defined variable ${q(variable)} is not used in any template`);
  }
  for (const [text, label] of [
    [t.service_config_template, "service config"],
    [t.application_config_template, "application config"],
  ] as const) {
    for (const m of text.matchAll(VARIABLE_PATTERN_ALL)) {
      const name = m[0].slice(1, -1);
      if (!Object.hasOwn(t.variables, name)) {
        throw validation(`Variable ${q(name)} used in the ${label} template is not contained in the variable definitions`);
      }
    }
  }
}

/**
 * operations-center@41a98e0 internal/provisioning/cluster_template/cluster_template_service.go
 * (Apply), which a cluster create with `cluster_template` runs: renders both templates with the given values (defaults for the
 * missing ones, 400 for a missing required one), raw text substitution, then YAML parse.
 */
export function applyTemplate(
  ctx: Context,
  name: string,
  values: Record<string, string>,
): { servicesConfig: Record<string, unknown>; applicationSeedConfig: Record<string, unknown> } {
  const t = ctx.store.template(name);
  if (t === undefined) throw notFound().wrap(`Failed to get cluster template ${q(name)}`);
  const resolved: Record<string, string> = {};
  const render = (text: string, label: string): string => {
    for (const [variable, def] of Object.entries(t.variables)) {
      let value = values[variable];
      if (value === undefined) {
        if (def.default === "") {
          throw validation(
            `Failed to apply cluster template variables on ${label} of ${q(name)}: No value provided for variable ${q(variable)}, which is required, since it has no default value defined`,
          );
        }
        value = def.default;
      }
      resolved[variable] = value;
      text = text.replaceAll(`@${variable}@`, value);
    }
    return text;
  };
  const parse = (text: string, label: string): Record<string, unknown> => {
    let parsed: unknown;
    try {
      parsed = loadYaml(text);
    } catch (err) {
      // Go's yaml package words it "yaml: line N: <reason>".
      const e = err as { reason?: string; mark?: { line: number }; message: string };
      const detail = e.reason !== undefined && e.mark !== undefined ? `yaml: line ${e.mark.line + 1}: ${e.reason}` : e.message;
      throw validation(`Failed to marshal ${label} of ${q(name)}: ${detail}`);
    }
    if (parsed === undefined || parsed === null) return {};
    if (typeof parsed !== "object" || Array.isArray(parsed)) {
      throw validation(`Failed to marshal ${label} of ${q(name)}: yaml: unmarshal errors: cannot unmarshal into map[string]interface {}`);
    }
    return parsed as Record<string, unknown>;
  };
  const services = render(t.service_config_template, "service config");
  const application = render(t.application_config_template, "application config");
  return { servicesConfig: parse(services, "service config"), applicationSeedConfig: parse(application, "application config") };
}
