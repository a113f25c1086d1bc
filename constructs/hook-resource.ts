import { DataResource, type ITerraformDependable, type LocalExecProvisioner, type TerraformResource } from "cdktf";
import { resource as nullResource } from "@cdktf/provider-null";
import { Construct } from "constructs";
import type { HookSpec } from "../src/hooks/spec.js";
import { OperationsCenter } from "./operations-center.js";

/** A destroy-time hook: its environment may reference only `self` values. */
export interface DestroyHook {
  /** Which destroy hook runs: it deletes the cluster (by its policy) or the template. */
  kind: "cluster-destroy" | "template-destroy";
  /** Environment variable name -> trigger key whose value (from state) it carries. */
  fromTriggers: Record<string, string>;
}

export interface HookResourceProps {
  /** Terraform resource name, readable and stable: `<construct id>_<role>`. */
  readonly resourceName: string;
  /** Readable desired content: any change replaces the resource, which re-runs its create hook. */
  readonly triggers: Record<string, unknown>;
  /** What the create hook does; an identity resource that only deletes has none. */
  readonly spec?: HookSpec;
  readonly destroy?: DestroyHook;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One Terraform resource whose provisioners run `oc-cdktf hook`: `terraform_data` by default,
 * `null_resource` when the stack's OperationsCenter says so. The hook spec is written beside the
 * stack at synth time; only the readable triggers (secrets as sha256) go into the plan.
 */
export class HookResource extends Construct {
  readonly resource: TerraformResource;
  /** Terraform address, e.g. `terraform_data.a_cluster`. */
  readonly address: string;

  constructor(scope: Construct, id: string, props: HookResourceProps) {
    super(scope, id);
    const oc = OperationsCenter.of(this);
    oc.registerResourceName(props.resourceName, this.node.path);
    this.address = oc.resourceAddress(props.resourceName);
    const provisioners: LocalExecProvisioner[] = [];
    if (props.spec !== undefined) {
      const specFile = oc.registerSpec(props.resourceName, props.spec);
      provisioners.push({
        type: "local-exec",
        command: oc.hookCommand(props.spec.kind, specFile),
        environment: oc.hookEnvironment(),
      });
    }
    const useNull = oc.resourceType === "null_resource";
    if (props.destroy !== undefined) {
      const self = useNull ? "self.triggers" : "self.triggers_replace";
      const environment: Record<string, string> = { ...oc.hookEnvironment() };
      for (const [name, key] of Object.entries(props.destroy.fromTriggers)) environment[name] = `\${${self}.${key}}`;
      provisioners.push({
        type: "local-exec",
        when: "destroy",
        command: oc.hookCommand(props.destroy.kind),
        environment,
      });
    }
    const meta = { provisioners, dependsOn: props.dependsOn };
    this.resource = useNull
      ? new nullResource.Resource(this, "resource", { ...meta, triggers: stringTriggers(props.triggers) })
      : new DataResource(this, "resource", { ...meta, triggersReplace: props.triggers });
    this.resource.overrideLogicalId(props.resourceName);
  }
}

/** null_resource triggers are map(string): non-string values are written as JSON. */
function stringTriggers(triggers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(triggers).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}
