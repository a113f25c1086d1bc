// Whether a call (a plan, or a validate) is part of a destroy. Terraform sends the refresh plan of
// a destroy (run when the state is not empty) as a normal plan, so only the command line that
// started the provider tells (plugin/terraform-command.ts). A resource that must stop a destroy
// says so with an error: Terraform drops every warning of that refresh plan.
import type { TerraformCommand } from "../../plugin/terraform-command.js";

/** `terraformCommand` as a CallContext or ValidateRequest carries it (absent where no Terraform runs). */
export function destroying(terraformCommand: (() => TerraformCommand) | undefined): boolean {
  const command = terraformCommand?.();
  return command?.known === true && command.planMode === "destroy";
}
