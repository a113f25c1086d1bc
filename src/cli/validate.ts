// `oc-cdktf validate`: checks configuration files the way Operations Center and IncusOS will read
// them, and prints every problem as file:line:column: path: message.
import { bulkActions, type BulkAction } from "../client/api-types.js";
import {
  ConfigError,
  applicationConfigNotes,
  applicationConfigSchema,
  bulkArgumentSchemas,
  checkConfigDocument,
  checkConfigText,
  checkTemplate,
  configuredSections,
  configuredServices,
  formatProblem,
  isBulkAction,
  readConfigText,
  renderClusterTemplate,
  resolveTemplateValues,
  servicesConfigNotes,
  servicesConfigSchema,
  templateValuesSchema,
  templateVariablesSchema,
  type ConfigProblem,
} from "../config/index.js";
import { type Command, parseCommand, usageError } from "./command.js";
import { unknownBulkActionMessage } from "../config/bulk.js";

const USAGE = `usage: oc-cdktf validate [options]

  --services FILE               services config (YAML or JSON)
  --application FILE            application config (Incus preseed)
  --template-variables FILE     cluster template variable definitions
    --values FILE               variable values for a cluster create
    --services-template FILE    service config template   (give both templates
    --application-template FILE application config template  to check the @VAR@ rules)
  --bulk ACTION FILE            arguments of a cluster bulk action, one of:
                                ${bulkActions.join(",\n                                ")}

Prints every problem as file:line:column: path: message and exits 1, or one OK line per
file set and exits 0. Notes (valid, but probably not what was meant) go to stderr.
`;

interface Outcome {
  problems: ConfigProblem[];
  notes: string[];
  ok?: string;
}

const counted = (n: number, noun: string, names: readonly string[]): string =>
  n === 0 ? `no ${noun}s` : `${n} ${noun}${n === 1 ? "" : "s"}: ${names.join(", ")}`;

function checkServices(file: string): Outcome {
  const text = readConfigText(file);
  if (!text.ok) return { problems: text.problems, notes: [] };
  const result = checkConfigText(servicesConfigSchema, text.value, file);
  if (!result.ok) return { problems: result.problems, notes: [] };
  const names = configuredServices(result.value);
  return {
    problems: [],
    notes: servicesConfigNotes(result.value).map((note) => `${file}: ${note}`),
    ok: `OK: ${file} (${counted(names.length, "service", names)})`,
  };
}

function checkApplication(file: string): Outcome {
  const text = readConfigText(file);
  if (!text.ok) return { problems: text.problems, notes: [] };
  const result = checkConfigText(applicationConfigSchema, text.value, file);
  if (!result.ok) return { problems: result.problems, notes: [] };
  const sections = configuredSections(result.value);
  return {
    problems: [],
    notes: applicationConfigNotes(result.value).map((note) => `${file}: ${note}`),
    ok: `OK: ${file} (${counted(sections.length, "section", sections)})`,
  };
}

interface TemplateFiles {
  variables: string;
  values?: string;
  servicesTemplate?: string;
  applicationTemplate?: string;
}

function checkTemplateFiles(files: TemplateFiles): Outcome {
  const variablesText = readConfigText(files.variables);
  if (!variablesText.ok) return { problems: variablesText.problems, notes: [] };
  const variables = checkConfigDocument(templateVariablesSchema, variablesText.value, files.variables);
  if (!variables.ok) return { problems: variables.problems, notes: [] };
  const names = Object.keys(variables.value.value);
  const problems: ConfigProblem[] = [];
  const notes: string[] = [];
  const summary = [`OK: ${files.variables} (${counted(names.length, "variable", names)})`];

  let templates: { services: string; application: string } | undefined;
  if (files.servicesTemplate !== undefined && files.applicationTemplate !== undefined) {
    const services = readConfigText(files.servicesTemplate);
    const application = readConfigText(files.applicationTemplate);
    if (!services.ok) problems.push(...services.problems);
    if (!application.ok) problems.push(...application.problems);
    if (services.ok && application.ok) {
      templates = { services: services.value, application: application.value };
      problems.push(
        ...checkTemplate({
          servicesTemplate: services.value,
          applicationTemplate: application.value,
          variables: variables.value.value,
          files: {
            servicesTemplate: files.servicesTemplate,
            applicationTemplate: files.applicationTemplate,
            variables: files.variables,
            variablesLocator: variables.value.locator,
          },
        }),
      );
      summary.push(`used by ${files.servicesTemplate} and ${files.applicationTemplate}`);
    }
  }

  if (files.values !== undefined) {
    const valuesText = readConfigText(files.values);
    const values = valuesText.ok ? checkConfigDocument(templateValuesSchema, valuesText.value, files.values) : valuesText;
    if (!values.ok) problems.push(...values.problems);
    else {
      const resolved = resolveTemplateValues(variables.value.value, values.value.value, { values: files.values, valuesLocator: values.value.locator });
      problems.push(...resolved.problems);
      notes.push(...resolved.notes);
      if (templates === undefined) summary.push(`${files.values} gives every required value`);
      else if (problems.length === 0) {
        try {
          const rendered = renderClusterTemplate({
            servicesTemplate: templates.services,
            applicationTemplate: templates.application,
            values: resolved.values,
            files: { servicesTemplate: files.servicesTemplate, applicationTemplate: files.applicationTemplate },
          });
          notes.push(...rendered.notes.map((note) => `rendered with ${files.values}: ${note}`));
          const services = configuredServices(rendered.servicesConfig);
          const sections = configuredSections(rendered.applicationConfig);
          summary.push(`with ${files.values} renders to ${counted(services.length, "service", services)} and ${counted(sections.length, "section", sections)}`);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          problems.push(...err.problems);
        }
      }
    }
  }
  return problems.length > 0 ? { problems, notes } : { problems, notes, ok: summary.join("; ") };
}

function checkBulk(action: BulkAction, file: string): Outcome {
  const text = readConfigText(file);
  if (!text.ok) return { problems: text.problems, notes: [] };
  const result = checkConfigText(bulkArgumentSchemas[action], text.value, file);
  return result.ok ? { problems: [], notes: [], ok: `OK: ${file} (arguments of ${action})` } : { problems: result.problems, notes: [] };
}

const command: Command = { name: "validate", usage: USAGE, usageExit: 2 };

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv, {
    allowPositionals: true,
    strict: true,
    options: {
      services: { type: "string" },
      application: { type: "string" },
      "template-variables": { type: "string" },
      values: { type: "string" },
      "services-template": { type: "string" },
      "application-template": { type: "string" },
      bulk: { type: "string" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const options = parsed.values;
  const variables = options["template-variables"];
  const servicesTemplate = options["services-template"];
  const applicationTemplate = options["application-template"];
  if (variables === undefined && (options.values !== undefined || servicesTemplate !== undefined || applicationTemplate !== undefined)) {
    return usageError(command, "--values, --services-template and --application-template need --template-variables");
  }
  if ((servicesTemplate === undefined) !== (applicationTemplate === undefined)) {
    return usageError(command, "give --services-template and --application-template together: a variable may be used in either");
  }
  const bulk = options.bulk;
  if (bulk !== undefined) {
    if (!isBulkAction(bulk)) return usageError(command, unknownBulkActionMessage(bulk));
    if (parsed.positionals.length !== 1) return usageError(command, "--bulk needs the action and one arguments file: --bulk ACTION FILE");
  } else if (parsed.positionals.length > 0) {
    return usageError(command, `unexpected argument "${parsed.positionals[0]}"`);
  }
  if (options.services === undefined && options.application === undefined && variables === undefined && bulk === undefined) {
    return usageError(command, "nothing to validate");
  }

  const outcomes: Outcome[] = [];
  if (options.services !== undefined) outcomes.push(checkServices(options.services));
  if (options.application !== undefined) outcomes.push(checkApplication(options.application));
  if (variables !== undefined) {
    const files: TemplateFiles = { variables };
    if (options.values !== undefined) files.values = options.values;
    if (servicesTemplate !== undefined && applicationTemplate !== undefined) {
      files.servicesTemplate = servicesTemplate;
      files.applicationTemplate = applicationTemplate;
    }
    outcomes.push(checkTemplateFiles(files));
  }
  if (bulk !== undefined && isBulkAction(bulk)) outcomes.push(checkBulk(bulk, parsed.positionals[0]!));

  let failed = false;
  for (const outcome of outcomes) {
    for (const note of outcome.notes) process.stderr.write(`note: ${note}\n`);
    for (const problem of outcome.problems) process.stdout.write(`${formatProblem(problem)}\n`);
    if (outcome.problems.length > 0) failed = true;
    else if (outcome.ok !== undefined) process.stdout.write(`${outcome.ok}\n`);
  }
  return failed ? 1 : 0;
}
