import type { OperationsCenterClient } from "../client/client.js";
import type { Reporter } from "./report.js";

/** What every hook works with: one client and one reporter. */
export interface HookContext {
  client: OperationsCenterClient;
  report: Reporter;
}
