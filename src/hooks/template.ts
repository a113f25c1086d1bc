import type { ClusterTemplatePut } from "../client/api-types.js";
import { OperationsCenterError } from "../client/errors.js";
import type { HookContext } from "./context.js";
import { canonicalJson } from "./digest.js";
import type { TemplateSpec } from "./spec.js";

/** Create hook of `<template>_template`: creates the template, or replaces its content when it differs. */
export async function runTemplate(spec: TemplateSpec, { client, report }: HookContext): Promise<void> {
  const desired: ClusterTemplatePut = {
    description: spec.description,
    service_config_template: spec.service_config_template,
    application_config_template: spec.application_config_template,
    variables: spec.variables,
  };
  const found = await report.read(spec.template, "look up cluster template", () => client.findClusterTemplate(spec.template));
  report.plan(1);
  if (found === undefined) {
    await report.change(spec.template, "create cluster template", () =>
      client.createClusterTemplate({ name: spec.template, ...desired }),
    );
    return;
  }
  const live: ClusterTemplatePut = {
    description: found.template.description,
    service_config_template: found.template.service_config_template,
    application_config_template: found.template.application_config_template,
    variables: Object.fromEntries(
      Object.entries(found.template.variables).map(([k, v]) => [k, { description: v.description, default: v.default }]),
    ),
  };
  if (canonicalJson(live) === canonicalJson(desired)) {
    report.note(`${spec.template}: cluster template is up to date`);
    return;
  }
  await report.change(spec.template, "replace cluster template content", () =>
    client.updateClusterTemplate(spec.template, desired, found.etag === undefined ? {} : { ifMatch: found.etag }),
  );
}

/** Destroy hook of `<template>_template_id`: deletes the template; one already gone is fine. */
export async function runTemplateDestroy(template: string, { client, report }: HookContext): Promise<void> {
  const found = await report.read(template, "look up cluster template", () => client.findClusterTemplate(template));
  if (found === undefined) {
    report.note(`${template}: already gone`);
    return;
  }
  report.plan(1);
  try {
    await report.change(template, "delete cluster template", () => client.deleteClusterTemplate(template));
  } catch (err) {
    // Someone deleted it between the lookup and the DELETE: the goal is reached.
    if (!(err instanceof OperationsCenterError && err.isNotFound)) throw err;
    report.note(`${template}: already gone`);
  }
}
