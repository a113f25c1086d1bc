// Cluster templates, checked exactly as Operations Center checks them: placeholders are any
// `@NAME@` in the raw text (comments and strings included), every placeholder must be defined and
// every definition used; on create, a variable without a value needs a non-empty default, extra
// values are ignored, and values are substituted as raw text before the YAML is parsed.
import { z } from "zod";
import { applicationConfigNotes, applicationConfigSchema, configValueToString, type ApplicationConfig } from "./application.js";
import { ConfigError, type ConfigProblem, describeValue, didYouMean, expectedMessage, formatPath, sortProblems } from "./errors.js";
import { strictObject, text } from "./fields.js";
import { type ProblemSource, collectProblems, problemAt } from "./problems.js";
import { LineIndex, type Location, type Locator, type OffsetMapper, parseYaml } from "./yaml-positions.js";
import { servicesConfigNotes, servicesConfigSchema, type ServicesConfig } from "./services.js";

/** The server's placeholder syntax (case-sensitive). */
const placeholderPattern = /@([A-Za-z0-9_]+)@/g;
const variableNamePattern = /^[A-Za-z0-9_]+$/;

const variableName = z.string().regex(variableNamePattern, {
  error: (iss) => `invalid variable name ${describeValue(iss.input)}: use letters, digits and "_" only, so that @NAME@ is a placeholder (@[A-Za-z0-9_]+@)`,
});

const variableDefinition = strictObject({
  description: text().optional(),
  default: text('a string (quote numbers and booleans: default: "42")').optional(),
});
type VariableDefinition = z.infer<typeof variableDefinition>;

/** Variable definitions, `NAME: {description?, default?}`; an empty default means the variable is required. */
export const templateVariablesSchema = z.preprocess(
  (value) => value ?? {},
  z.record(
    variableName,
    variableDefinition.nullish().transform((v): VariableDefinition => v ?? {}),
    {
      error: (iss) => expectedMessage("a mapping of variable names to {description, default}", iss.input),
    },
  ),
);
export type TemplateVariables = z.infer<typeof templateVariablesSchema>;

const valueScalar = z
  .union([z.string(), z.number(), z.boolean(), z.null()], {
    error: (iss) => expectedMessage("a string, number or true/false (values are text; nested mappings and lists are not allowed)", iss.input),
  })
  .transform(configValueToString);

/** Variable values, a flat map of scalars that become strings like the server's ConfigMap (true -> "true", 42 -> "42"). */
export const templateValuesSchema = z.preprocess(
  (value) => value ?? {},
  z.record(z.string(), valueScalar, { error: (iss) => expectedMessage("a mapping of variable names to values", iss.input) }),
);
export type TemplateValues = z.infer<typeof templateValuesSchema>;

/** Names of the variables used in a text (without the `@`), unique, in order of first appearance. */
export function placeholdersIn(source: string): string[] {
  return [...new Set(Array.from(source.matchAll(placeholderPattern), (m) => m[1]!))];
}

/** Labels and positions for problems; without them problems name the template kind. */
export interface TemplateFiles {
  servicesTemplate?: string;
  applicationTemplate?: string;
  variables?: string;
  /** Positions in the variables file, to point at an unused definition. */
  variablesLocator?: Locator;
}

const kinds = {
  servicesTemplate: "service config template",
  applicationTemplate: "application config template",
} as const;

/** The server's template validation (on create and update), with every problem instead of the first. */
export function checkTemplate(input: {
  servicesTemplate: string;
  applicationTemplate: string;
  variables: TemplateVariables;
  files?: TemplateFiles;
}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const defined = Object.keys(input.variables);
  const used = new Set<string>();
  for (const which of ["servicesTemplate", "applicationTemplate"] as const) {
    const source = input[which];
    const lines = new LineIndex(source);
    const reported = new Set<string>();
    for (const match of source.matchAll(placeholderPattern)) {
      const name = match[1]!;
      used.add(name);
      if (Object.hasOwn(input.variables, name) || reported.has(name)) continue;
      reported.add(name);
      const known = defined.length === 0 ? "no variables are defined" : `defined variables are ${defined.join(", ")}`;
      problems.push({
        file: input.files?.[which] ?? kinds[which],
        ...lines.position(match.index),
        path: "",
        message: `@${name}@: variable "${name}" is used in the ${kinds[which]} but not defined; ${known}${didYouMean(name, defined)}`,
      });
    }
  }
  const variablesSource: ProblemSource = { file: input.files?.variables ?? "variables" };
  if (input.files?.variablesLocator !== undefined) variablesSource.locator = input.files.variablesLocator;
  for (const name of defined) {
    if (!variableNamePattern.test(name)) {
      problems.push(problemAt(variablesSource, [name], `invalid variable name: use letters, digits and "_" only (@[A-Za-z0-9_]+@)`, "key"));
    } else if (!used.has(name)) {
      problems.push(
        problemAt(
          variablesSource,
          [name],
          `variable "${name}" is defined but not used in the ${kinds.servicesTemplate} or the ${kinds.applicationTemplate}; use @${name}@ in one of them or remove the definition (the server rejects unused variables)`,
          "key",
        ),
      );
    }
  }
  return sortProblems(problems);
}

/**
 * The values a cluster create substitutes: the given value (an explicit "" counts), else a
 * non-empty default; a variable with neither is a problem. Values for undefined variables are
 * ignored by the server and reported as notes.
 */
export function resolveTemplateValues(
  variables: TemplateVariables,
  values: Record<string, string>,
  files?: { values?: string; valuesLocator?: Locator },
): { values: Record<string, string>; problems: ConfigProblem[]; notes: string[] } {
  const label = files?.values ?? "variable values";
  const located: ProblemSource = { file: label };
  if (files?.valuesLocator !== undefined) located.locator = files.valuesLocator;
  const defined = Object.keys(variables);
  const resolved: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, definition] of Object.entries(variables)) {
    if (Object.hasOwn(values, name)) resolved[name] = values[name]!;
    else if ((definition.default ?? "") !== "") resolved[name] = definition.default!;
    else {
      const about = (definition.description ?? "") === "" ? "" : ` (${definition.description})`;
      problems.push({
        file: label,
        path: formatPath([name]),
        message: `missing; the template requires a value for this variable${about}, since it has no default`,
      });
    }
  }
  for (const [name, value] of Object.entries(resolved)) {
    const nested = placeholdersIn(value).filter((inner) => Object.hasOwn(variables, inner));
    if (nested.length > 0) {
      problems.push(
        problemAt(
          located,
          [name],
          `the value contains @${nested[0]}@, which the server may or may not replace (it substitutes variables in no fixed order); keep placeholders out of values`,
        ),
      );
    }
  }
  const notes = Object.keys(values)
    .filter((name) => !Object.hasOwn(variables, name))
    .map((name) => `${label}: ${name}: ignored, the template defines no variable "${name}"${didYouMean(name, defined)}`);
  return { values: resolved, problems: sortProblems(problems), notes };
}

interface Substitution {
  name: string;
  value: string;
  renderedStart: number;
  renderedEnd: number;
  templateStart: number;
  templateEnd: number;
}

function substitute(source: string, values: Record<string, string>): { rendered: string; substitutions: Substitution[] } {
  const substitutions: Substitution[] = [];
  let rendered = "";
  let last = 0;
  for (const match of source.matchAll(placeholderPattern)) {
    const name = match[1]!;
    if (!Object.hasOwn(values, name)) continue;
    const value = values[name]!;
    rendered += source.slice(last, match.index);
    substitutions.push({
      name,
      value,
      renderedStart: rendered.length,
      renderedEnd: rendered.length + value.length,
      templateStart: match.index,
      templateEnd: match.index + match[0].length,
    });
    rendered += value;
    last = match.index + match[0].length;
  }
  return { rendered: rendered + source.slice(last), substitutions };
}

/** Raw text substitution of `@NAME@` for every name with a value, as the server does it; other placeholders stay. */
export function renderTemplate(source: string, values: Record<string, string>): string {
  return substitute(source, values).rendered;
}

const hintOf = (s: Substitution): string => `from @${s.name}@ = ${describeValue(s.value)}`;

// Maps an offset in the rendered text back to the template, naming the substitution it falls in
// (or, for a syntax error, one that ends on the same or the previous rendered line, since a mark
// often sits after the text that caused it).
function templateMapper(source: string, rendered: string, substitutions: readonly Substitution[]): OffsetMapper {
  const templateLines = new LineIndex(source);
  const renderedLines = new LineIndex(rendered);
  return (offset, syntax) => {
    let shift = 0;
    for (const s of substitutions) {
      if (offset >= s.renderedStart && offset < s.renderedEnd) {
        return { ...templateLines.position(s.templateStart), hint: syntax ? `${hintOf(s)}; values are inserted as raw text` : hintOf(s) };
      }
      if (s.renderedEnd <= offset) shift = s.templateEnd - s.renderedEnd;
    }
    const location: Location = templateLines.position(offset + shift);
    if (syntax) {
      const line = renderedLines.position(offset).line;
      const near = substitutions.findLast((s) => {
        const first = renderedLines.position(s.renderedStart).line;
        const last = renderedLines.position(s.renderedEnd).line;
        return first <= line && last >= line - 1;
      });
      if (near !== undefined) location.hint = `${hintOf(near)}; values are inserted as raw text`;
    }
    return location;
  };
}

function renderOne<S extends z.ZodType>(
  schema: S,
  source: string,
  values: Record<string, string>,
  label: string,
): { ok: true; value: z.infer<S> } | { ok: false; problems: ConfigProblem[] } {
  const { rendered, substitutions } = substitute(source, values);
  // An empty template is an empty config: Operations Center unmarshals "" into an empty map
  // (operations-center@41a98e0 internal/provisioning/cluster_template/cluster_template_service.go (Apply)).
  if (rendered.trim() === "") return collectProblems(schema, {}, { file: label });
  const mapper = templateMapper(source, rendered, substitutions);
  const doc = parseYaml(rendered, label, mapper);
  if (!doc.ok) {
    return {
      ok: false,
      problems: doc.problems.map((p) => ({ ...p, message: p.message.replace(/^invalid YAML: /, "invalid YAML after substituting the variables: ") })),
    };
  }
  return collectProblems(schema, doc.value.data, { file: label, locator: doc.value.positions });
}

/**
 * Renders both templates with final values (see resolveTemplateValues), parses the YAML and
 * validates the services and application configs. Throws a ConfigError naming the template, the
 * line in the template, and the variable whose value produced a bad value when there is one.
 */
export function renderClusterTemplate(input: {
  name?: string;
  servicesTemplate: string;
  applicationTemplate: string;
  values: Record<string, string>;
  files?: Pick<TemplateFiles, "servicesTemplate" | "applicationTemplate">;
}): { servicesConfig: ServicesConfig; applicationConfig: ApplicationConfig; notes: string[] } {
  const of = input.name === undefined ? "" : ` of "${input.name}"`;
  const services = renderOne(servicesConfigSchema, input.servicesTemplate, input.values, input.files?.servicesTemplate ?? `${kinds.servicesTemplate}${of}`);
  const application = renderOne(
    applicationConfigSchema,
    input.applicationTemplate,
    input.values,
    input.files?.applicationTemplate ?? `${kinds.applicationTemplate}${of}`,
  );
  if (!services.ok || !application.ok) {
    throw new ConfigError([...(services.ok ? [] : services.problems), ...(application.ok ? [] : application.problems)]);
  }
  return {
    servicesConfig: services.value,
    applicationConfig: application.value,
    notes: [...servicesConfigNotes(services.value), ...applicationConfigNotes(application.value)],
  };
}
