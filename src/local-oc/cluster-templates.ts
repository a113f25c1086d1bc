// Routes of /1.0/provisioning/cluster-templates (operations-center@41a98e0
// internal/api/api_provisioning_cluster_template.go): each decodes the request, calls the model
// (cluster-template-model.ts) and encodes the answer. No route changes state.

import type { Context } from "./context.js";
import { DecodeError, decodeBody, type StructSpec } from "./decode.js";
import { badRequest, q } from "./errors.js";
import { createTemplate, deleteTemplate, getTemplate, listTemplates, renameTemplate, updateTemplate, type TemplateContent } from "./cluster-template-model.js";
import { checkIfMatch, created, emptySync, sync, syncETag, type ApiRequest, type Router } from "./http.js";
import type { TemplateRecord, TemplateVariable } from "./persisted.js";

const PREFIX = "/1.0/provisioning/cluster-templates";

const variableSpec = {
  struct: "ClusterTemplateVariable",
  goType: "api.ClusterTemplateVariable",
  fields: { description: "string", default: "string" },
} as const;
const templateFields = {
  name: "string",
  description: "string",
  service_config_template: "string",
  application_config_template: "string",
  variables: { struct: "ClusterTemplateVariables", goType: "api.ClusterTemplateVariables", fields: {} },
} as const;

const templatePostSpec: StructSpec = { name: "ClusterTemplatePost", goType: "api.ClusterTemplatePost", fields: { ...templateFields } };
const templateSpec: StructSpec = { name: "ClusterTemplate", goType: "api.ClusterTemplate", fields: { ...templateFields } };

function decode(body: string, spec: StructSpec): Record<string, unknown> {
  try {
    const out = decodeBody(body, spec);
    // variables is a map of name -> {description, default}: check each entry like encoding/json.
    const raw = out["variables"] as Record<string, unknown> | undefined;
    if (raw !== undefined) {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      const source = (parsed["variables"] ?? {}) as Record<string, unknown>;
      const vars: Record<string, TemplateVariable> = {};
      for (const [k, v] of Object.entries(source)) {
        const fields = decodeBody(JSON.stringify(v ?? {}), { name: variableSpec.struct, goType: variableSpec.goType, fields: variableSpec.fields });
        vars[k] = { description: String(fields["description"] ?? ""), default: String(fields["default"] ?? "") };
      }
      out["variables"] = vars;
    }
    return out;
  } catch (err) {
    if (err instanceof DecodeError) throw badRequest(err.message);
    throw err;
  }
}

/** The four ClusterTemplatePut fields of a decoded body: a PUT replaces all of them. */
function templateContent(body: Record<string, unknown>): TemplateContent {
  return {
    description: String(body["description"] ?? ""),
    service_config_template: String(body["service_config_template"] ?? ""),
    application_config_template: String(body["application_config_template"] ?? ""),
    variables: (body["variables"] as Record<string, TemplateVariable> | undefined) ?? {},
  };
}

function templateDocument(t: TemplateRecord): Record<string, unknown> {
  return {
    name: t.name,
    description: t.description,
    service_config_template: t.service_config_template,
    application_config_template: t.application_config_template,
    variables: t.variables,
    last_updated: t.last_updated,
  };
}

export function registerTemplateRoutes(router: Router, ctx: Context): void {
  router.add("GET", PREFIX, (req) => {
    const recursion = Number.parseInt(req.query.get("recursion") ?? "", 10) === 1;
    const templates = listTemplates(ctx);
    return sync(recursion ? templates.map(templateDocument) : templates.map((t) => `${PREFIX}/${t.name}`));
  });

  router.add("POST", PREFIX, (req) => {
    const body = decode(req.body, templatePostSpec);
    const name = String(body["name"] ?? "");
    createTemplate(ctx, name, templateContent(body));
    return created(`${PREFIX}/${name}`);
  });

  router.add("GET", `${PREFIX}/{name}`, (req) => {
    const t = getTemplate(ctx, req.params["name"]!);
    return syncETag(templateDocument(t), t);
  });

  router.add("PUT", `${PREFIX}/{name}`, (req: ApiRequest) => {
    const name = req.params["name"]!;
    const body = decode(req.body, templateSpec);
    const t = getTemplate(ctx, name, `Failed to get clusterConfigTemplate ${q(name)}`);
    checkIfMatch(req, t);
    updateTemplate(ctx, t, templateContent(body));
    return created(`${PREFIX}/${name}`);
  });

  router.add("DELETE", `${PREFIX}/{name}`, (req) => {
    deleteTemplate(ctx, req.params["name"]!);
    return emptySync();
  });

  router.add("POST", `${PREFIX}/{name}`, (req) => {
    const name = req.params["name"]!;
    const body = decode(req.body, templateSpec);
    const t = getTemplate(ctx, name, `Failed to get cluster config template ${q(name)}`);
    checkIfMatch(req, t);
    const newName = String(body["name"] ?? "");
    renameTemplate(ctx, t, newName);
    return created(`${PREFIX}/${newName}`);
  });
}
