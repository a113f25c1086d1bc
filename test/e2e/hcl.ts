// A plain HCL configuration in an E2E's stack directory, as a user writes one after
// `oc-cdktf provider install`: the provider requirement and block, and the resources given.
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { E2E } from "./harness.js";

const PROVIDER = `terraform {
  required_providers {
    operationscenter = {
      source  = "oc-cdktf.invalid/oc-cdktf/operationscenter"
      version = "0.1.0"
    }
  }
}

provider "operationscenter" {}
`;

/**
 * Writes main.tf with `resources`. The first call turns the stack into an HCL one: a synthesized
 * stack brings the provider's launcher and lock file, and its cdk.tf.json goes.
 */
export function writeHcl(e2e: E2E, resources: string): void {
  if (e2e.stackDir === "") e2e.synth({});
  rmSync(path.join(e2e.stackDir, "cdk.tf.json"), { force: true });
  writeFileSync(path.join(e2e.stackDir, "main.tf"), `${PROVIDER}\n${resources}`);
}
