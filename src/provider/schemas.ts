// The provider's schemas alone. Run as is, this loads the whole provider to read them; the
// bundle (scripts/bundle-provider.ts) replaces this module with their value computed at build
// time, so the process Terraform starts only for the schemas never loads zod or the resources.
import { schemasOf, type ProviderSchemas } from "./plugin/types.js";
import { provider } from "./provider.js";

export const schemas: ProviderSchemas = schemasOf(provider);
