// Unit: cluster templates (src/config/template.ts), no server: variables and values files, the
// @VAR@ rules between definitions and templates, values on create, and rendering into valid configs.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ConfigError,
  checkConfigDocument,
  checkConfigText,
  checkTemplate,
  formatProblem,
  renderClusterTemplate,
  resolveTemplateValues,
  templateValuesSchema,
  templateVariablesSchema,
  validateConfigValue,
} from "../src/config/index.js";
import { placeholdersIn, renderTemplate } from "../src/config/template.js";
import { fixtureText } from "./fixtures/config/fixtures.js";

const variables = validateConfigValue(
  templateVariablesSchema,
  {
    LVM_ENABLED: { description: "Whether LVM is enabled", default: "true" },
    UI_TITLE: { description: "Title shown in the Incus web UI" },
  },
  "variables",
);

function renderProblems(input: Parameters<typeof renderClusterTemplate>[0]): string[] {
  try {
    renderClusterTemplate(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  assert.fail("the template should not render");
}

describe("cluster template variables and values files", () => {
  it("accepts the fixture definitions and the documentation's values file, numbers and booleans becoming strings", () => {
    const defs = checkConfigText(templateVariablesSchema, fixtureText("template-variables.yaml"), "template-variables.yaml");
    assert.ok(defs.ok);
    assert.deepEqual(Object.keys(defs.value), ["SOME_VARIABLE", "A_BOOLEAN_VARIABLE", "A_NUMERIC_VARIABLE"]);
    const values = checkConfigText(templateValuesSchema, fixtureText("template-values.seed.yaml"), "template-values.seed.yaml");
    assert.deepEqual(values, { ok: true, value: { SOME_VARIABLE: "the value", A_BOOLEAN_VARIABLE: "true", A_NUMERIC_VARIABLE: "42" } });
  });

  it("rejects a name that cannot be a placeholder, an unquoted numeric default and an unknown field", () => {
    const result = checkConfigText(templateVariablesSchema, fixtureText("template-variables.mistakes.yaml"), "template-variables.mistakes.yaml");
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map(formatProblem), [
      'template-variables.mistakes.yaml:1:1: LVM-ENABLED: invalid variable name "LVM-ENABLED": use letters, digits and "_" only, so that @NAME@ is a placeholder (@[A-Za-z0-9_]+@)',
      'template-variables.mistakes.yaml:5:12: PORT.default: expected a string (quote numbers and booleans: default: "42"), got 8009',
      'template-variables.mistakes.yaml:7:3: TITLE.descripton: unknown field "descripton": valid fields are description, default; did you mean "description"?',
    ]);
  });

  it("rejects nested mappings and lists in a values file", () => {
    const result = checkConfigText(templateValuesSchema, fixtureText("template-values.nested.yaml"), "template-values.nested.yaml");
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map(formatProblem), [
      "template-values.nested.yaml:2:3: SOME_VARIABLE: expected a string, number or true/false (values are text; nested mappings and lists are not allowed), got a mapping",
      "template-values.nested.yaml:3:21: A_NUMERIC_VARIABLE: expected a string, number or true/false (values are text; nested mappings and lists are not allowed), got a list",
    ]);
  });
});

describe("template rules", () => {
  it("finds placeholders anywhere in the text, case-sensitively, once each", () => {
    assert.deepEqual(placeholdersIn('a: @X@ # @Y@\nb: "@X@" @x@ @not valid@ @@'), ["X", "Y", "x"]);
  });

  it("reports a variable used but not defined, even in a comment, at its position", () => {
    const problems = checkTemplate({
      servicesTemplate: "lvm:\n  enabled: @LVM_ENABLED@ # was @LVM_ENABLD@\n",
      applicationTemplate: "config:\n  user.ui.title: @UI_TITLE@\n",
      variables,
      files: { servicesTemplate: "services.tmpl.yaml" },
    });
    assert.deepEqual(problems.map(formatProblem), [
      'services.tmpl.yaml:2:32: @LVM_ENABLD@: variable "LVM_ENABLD" is used in the service config template but not defined; defined variables are LVM_ENABLED, UI_TITLE; did you mean "LVM_ENABLED"?',
    ]);
  });

  it("reports a defined variable that no template uses, at its definition", () => {
    const text = 'LVM_ENABLED:\n  default: "true"\nUI_TITLE: {}\n';
    const defs = checkConfigDocument(templateVariablesSchema, text, "variables.yaml");
    assert.ok(defs.ok);
    const problems = checkTemplate({
      servicesTemplate: "lvm:\n  enabled: @LVM_ENABLED@\n",
      applicationTemplate: "config: {}\n",
      variables: defs.value.value,
      files: { variables: "variables.yaml", variablesLocator: defs.value.locator },
    });
    assert.deepEqual(problems.map(formatProblem), [
      'variables.yaml:3:1: UI_TITLE: variable "UI_TITLE" is defined but not used in the service config template or the application config template; use @UI_TITLE@ in one of them or remove the definition (the server rejects unused variables)',
    ]);
  });

  it("accepts templates that use exactly the defined variables", () => {
    const problems = checkTemplate({
      servicesTemplate: fixtureText("services.tmpl.yaml"),
      applicationTemplate: fixtureText("application.tmpl.yaml"),
      variables: validateConfigValue(
        templateVariablesSchema,
        JSON.parse(JSON.stringify({ SOME_VARIABLE: {}, A_BOOLEAN_VARIABLE: {}, A_NUMERIC_VARIABLE: {} })),
        "v",
      ),
    });
    assert.deepEqual(problems, []);
  });
});

describe("template values on create", () => {
  it("needs a value for a variable without a default", () => {
    const resolved = resolveTemplateValues(variables, {}, { values: "values.yaml" });
    assert.deepEqual(resolved.problems.map(formatProblem), [
      "values.yaml: UI_TITLE: missing; the template requires a value for this variable (Title shown in the Incus web UI), since it has no default",
    ]);
  });

  it("uses the default when no value is given", () => {
    const resolved = resolveTemplateValues(variables, { UI_TITLE: "Prod" });
    assert.deepEqual(resolved, { values: { LVM_ENABLED: "true", UI_TITLE: "Prod" }, problems: [], notes: [] });
  });

  it("counts an explicit empty value as provided, even over a default", () => {
    const resolved = resolveTemplateValues(variables, { UI_TITLE: "", LVM_ENABLED: "" });
    assert.deepEqual(resolved, { values: { LVM_ENABLED: "", UI_TITLE: "" }, problems: [], notes: [] });
  });

  it("notes values for variables the template does not define, since the server ignores them", () => {
    const resolved = resolveTemplateValues(variables, { UI_TITLE: "Prod", UI_TILTE: "Prod" }, { values: "values.yaml" });
    assert.deepEqual(resolved.problems, []);
    assert.deepEqual(resolved.notes, ['values.yaml: UI_TILTE: ignored, the template defines no variable "UI_TILTE"; did you mean "UI_TITLE"?']);
  });

  it("flags a value that holds another placeholder, whose expansion depends on the server's map order", () => {
    const resolved = resolveTemplateValues(variables, { UI_TITLE: "Cluster @LVM_ENABLED@" }, { values: "values.yaml" });
    assert.deepEqual(resolved.problems.map(formatProblem), [
      "values.yaml: UI_TITLE: the value contains @LVM_ENABLED@, which the server may or may not replace (it substitutes variables in no fixed order); keep placeholders out of values",
    ]);
  });
});

describe("rendering", () => {
  it("substitutes raw text, also inside quotes and comments, and leaves unknown placeholders", () => {
    assert.equal(renderTemplate('a: "@X@" # @X@ @Y@\n', { X: "1: 2" }), 'a: "1: 2" # 1: 2 @Y@\n');
  });

  it("renders the fixture templates with the documentation's values file into valid configs", () => {
    const values = resolveTemplateValues(
      validateConfigValue(templateVariablesSchema, JSON.parse(JSON.stringify({ SOME_VARIABLE: {}, A_BOOLEAN_VARIABLE: {}, A_NUMERIC_VARIABLE: {} })), "v"),
      validateConfigValue(templateValuesSchema, { SOME_VARIABLE: "the value", A_BOOLEAN_VARIABLE: true, A_NUMERIC_VARIABLE: 42 }, "values"),
    );
    const rendered = renderClusterTemplate({
      servicesTemplate: fixtureText("services.tmpl.yaml"),
      applicationTemplate: fixtureText("application.tmpl.yaml"),
      values: values.values,
    });
    assert.deepEqual(rendered, {
      servicesConfig: { lvm: { enabled: true }, nvme: { enabled: true, targets: [{ transport: "tcp", address: "192.168.1.100", port: 42 }] } },
      applicationConfig: { config: { "user.ui.title": "the value" } },
      notes: [],
    });
  });

  it("reports invalid YAML after substitution at the placeholder, naming the variable", () => {
    assert.deepEqual(
      renderProblems({
        name: "prod",
        servicesTemplate: "lvm:\n  enabled: @LVM_ENABLED@\n",
        applicationTemplate: "config:\n  user.ui.title: @UI_TITLE@\n",
        values: { LVM_ENABLED: "true", UI_TITLE: "Prod: EU" },
      }),
      [
        'application config template of "prod":2:18: invalid YAML after substituting the variables: bad indentation of a mapping entry (from @UI_TITLE@ = "Prod: EU"; values are inserted as raw text)',
      ],
    );
  });

  it("validates the rendered configs and points into the template", () => {
    assert.deepEqual(
      renderProblems({
        servicesTemplate: "lvm:\n  enabled: @LVM_ENABLED@\nnvme:\n  enabled: true\n  targets: [{transport: tcp, address: @ADDR@}]\n",
        applicationTemplate: "config:\n  user.ui.title: Prod\n",
        values: { LVM_ENABLED: "yes", ADDR: "10.0.0.7" },
        files: { servicesTemplate: "services.tmpl.yaml" },
      }),
      [
        'services.tmpl.yaml:2:12: lvm.enabled: expected true or false, got "yes"; write true or false without quotes (from @LVM_ENABLED@ = "yes")',
        'services.tmpl.yaml:5:13: nvme.targets[0].port: missing; expected a TCP port from 1 to 65535 (required for transport "tcp"; 8009 is the discovery port, 4420 the I/O port)',
      ],
    );
  });
});
