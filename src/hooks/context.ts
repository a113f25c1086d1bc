import type { OperationsCenterClient } from "../client/client.js";
import type { Reporter } from "./report.js";

/** What every hook works with: one client, one reporter, and the provisioner's environment. */
export interface HookContext {
  client: OperationsCenterClient;
  report: Reporter;
  env: NodeJS.ProcessEnv;
}
