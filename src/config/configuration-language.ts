// The language the user wrote the configuration in, so that errors name an attribute the way
// the user writes it: `allow_recreate = true` in HCL, `allowRecreate: true` in a CDKTF app. The
// OperationsCenter construct sets configuration_language = "cdktf" in the provider block; plain
// HCL leaves it unset.

export const CONFIGURATION_LANGUAGES = ["hcl", "cdktf"] as const;
export type ConfigurationLanguage = (typeof CONFIGURATION_LANGUAGES)[number];

/**
 * An attribute as the user names it: allow_recreate, or allowRecreate (CDKTF's props and bindings
 * are camelCase). A path into the attribute's value keeps its keys: services_config.nvme.targets
 * is servicesConfig.nvme.targets.
 */
export function attributeName(language: ConfigurationLanguage, attribute: string): string {
  if (language !== "cdktf") return attribute;
  const end = attribute.search(/[.[]/);
  const [name, rest] = end < 0 ? [attribute, ""] : [attribute.slice(0, end), attribute.slice(end)];
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase()) + rest;
}

/** An attribute set to a value, as the user writes it: `allow_recreate = true`, or `allowRecreate: true`. */
export function attributeSetting(language: ConfigurationLanguage, attribute: string, value: string | number | boolean): string {
  const text = JSON.stringify(value);
  return language === "cdktf" ? `${attributeName(language, attribute)}: ${text}` : `${attribute} = ${text}`;
}
