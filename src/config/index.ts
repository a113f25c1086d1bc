// Public surface of the configuration rules (package export "./config"): the schemas of the files a
// user writes, the loaders and checks `oc-cdktf validate` runs, and the template rules. The schema
// building blocks, YAML positions and secret plumbing under src/config/ are internal; its modules
// import each other directly.
export { ConfigError, formatProblem, type CheckResult, type ConfigProblem } from "./errors.js";
export {
  checkConfigDocument,
  checkConfigText,
  loadConfig,
  loadConfigFile,
  parseConfigText,
  readConfigText,
  validateConfigValue,
} from "./load.js";
export type { Location, Locator, Path } from "./yaml-positions.js";
export {
  configuredServices,
  redactServicesConfig,
  serviceNames,
  servicesConfigNotes,
  servicesConfigSchema,
  type ServiceName,
  type ServicesConfig,
} from "./services.js";
export {
  applicationConfigNotes,
  applicationConfigSchema,
  configuredSections,
  redactApplicationConfig,
  type ApplicationConfig,
} from "./application.js";
export {
  checkTemplate,
  renderClusterTemplate,
  resolveTemplateValues,
  templateValuesSchema,
  templateVariablesSchema,
  type TemplateFiles,
  type TemplateValues,
  type TemplateVariables,
} from "./template.js";
export { bulkArgumentSchemas, isBulkAction, type BulkArguments } from "./bulk.js";
