// Which template variables carry secrets: those whose value lands in a secret field of the
// rendered services or application config (the secret fields are decided in ./secrets.ts). Found
// by rendering each template with a unique marker per variable and looking where the markers land.
import yaml from "js-yaml";
import { isSecretPath, type SecretKind } from "./secrets.js";
import { placeholdersIn, renderTemplate } from "./template.js";

const marker = (name: string): string => `ocvarmarker${Buffer.from(name).toString("hex")}x`;

function collect(kind: SecretKind, value: unknown, path: (string | number)[], markers: Map<string, string>, found: Set<string>): void {
  if (typeof value === "string" || typeof value === "number") {
    if (path.length === 0 || !isSecretPath(kind, path)) return;
    for (const [text, name] of markers) if (String(value).includes(text)) found.add(name);
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => collect(kind, item, [...path, i], markers, found));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) collect(kind, item, [...path, key], markers, found);
  }
}

/**
 * Names of the variables used in a secret field of either template. A template that does not
 * parse with markers in place (a variable used as a number or a key, say) counts every variable it
 * uses as secret: keeping a value out of state is the safe side.
 */
export function secretTemplateVariables(templates: { servicesTemplate: string; applicationTemplate: string }): Set<string> {
  const found = new Set<string>();
  const pairs: Array<[SecretKind, string]> = [
    ["services", templates.servicesTemplate],
    ["application", templates.applicationTemplate],
  ];
  for (const [kind, source] of pairs) {
    const names = placeholdersIn(source);
    const markers = new Map(names.map((n) => [marker(n), n]));
    let parsed: unknown;
    try {
      parsed = yaml.load(renderTemplate(source, Object.fromEntries(names.map((n) => [n, marker(n)]))));
    } catch {
      names.forEach((n) => found.add(n));
      continue;
    }
    collect(kind, parsed, [], markers, found);
  }
  return found;
}
