// Who the provider is to Terraform. The source address has an explicit host so Terraform and
// OpenTofu resolve it alike from a local plugin directory and never ask a registry for it.
export const PROVIDER_LOCAL_NAME = "operationscenter";
export const PROVIDER_TYPE = "operations-center";
export const PROVIDER_HOST = "oc-cdktf.local";
export const PROVIDER_NAMESPACE = "oc-cdktf";
export const PROVIDER_SOURCE = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
/** Kept equal to package.json's version (test/provider-launcher.test.ts checks it). */
export const PROVIDER_VERSION = "0.1.0";
