// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_multipath_target
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ClusterMultipathTargetConfig extends cdktf.TerraformMetaArguments {
  /**
  * Name of the cluster in Operations Center. A change that follows the cluster's rename is an in-place change of the state only (the members keep what they carry); a change to another cluster that exists already is a move, also in place: the apply removes it from the old cluster's members (per deletion_policy) and adds it on the new one's.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_multipath_target#cluster ClusterMultipathTarget#cluster}
  */
  readonly cluster: string;
  /**
  * What destroy does: "remove" (the default) takes off the members what this resource applied; "retain" only forgets it, with no call, so a cluster that is kept (its deletion_policy retain or forget) keeps its configuration. Terraform destroys dependents before their cluster and cannot tell them whether the cluster goes too: this attribute says it (the L2 constructs set it from their cluster's deletion policy).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_multipath_target#deletion_policy ClusterMultipathTarget#deletion_policy}
  */
  readonly deletionPolicy?: string;
  /**
  * The cluster's declared servers (the L2 constructs wire it to the cluster resource's servers). Only used to notice a change: when it changes, the plan converges every member again after the cluster's own change, so a server that joins gets this in the same apply.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_multipath_target#servers ClusterMultipathTarget#servers}
  */
  readonly servers?: string[];
  /**
  * The WWN as in /dev/disk/by-id/wwn-<WWN>: "0x" and 16 or 32 lower-case hex digits.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_multipath_target#wwn ClusterMultipathTarget#wwn}
  */
  readonly wwn: string;
}

/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_multipath_target operationscenter_cluster_multipath_target}
*/
export class ClusterMultipathTarget extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter_cluster_multipath_target";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a ClusterMultipathTarget resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ClusterMultipathTarget to import
  * @param importFromId The id of the existing ClusterMultipathTarget that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_multipath_target#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ClusterMultipathTarget to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter_cluster_multipath_target", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_multipath_target operationscenter_cluster_multipath_target} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ClusterMultipathTargetConfig
  */
  public constructor(scope: Construct, id: string, config: ClusterMultipathTargetConfig) {
    super(scope, id, {
      terraformResourceType: 'operationscenter_cluster_multipath_target',
      terraformGeneratorMetadata: {
        providerName: 'operationscenter',
        providerVersionConstraint: '0.1.0'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._cluster = config.cluster;
    this._deletionPolicy = config.deletionPolicy;
    this._servers = config.servers;
    this._wwn = config.wwn;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // cluster - computed: false, optional: false, required: true
  private _cluster?: string; 
  public get cluster() {
    return this.getStringAttribute('cluster');
  }
  public set cluster(value: string) {
    this._cluster = value;
  }
  // Temporarily expose input value. Use with caution.
  public get clusterInput() {
    return this._cluster;
  }

  // deletion_policy - computed: false, optional: true, required: false
  private _deletionPolicy?: string; 
  public get deletionPolicy() {
    return this.getStringAttribute('deletion_policy');
  }
  public set deletionPolicy(value: string) {
    this._deletionPolicy = value;
  }
  public resetDeletionPolicy() {
    this._deletionPolicy = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get deletionPolicyInput() {
    return this._deletionPolicy;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // members - computed: true, optional: false, required: false
  public get members() {
    return this.getListAttribute('members');
  }

  // servers - computed: false, optional: true, required: false
  private _servers?: string[]; 
  public get servers() {
    return cdktf.Fn.tolist(this.getListAttribute('servers'));
  }
  public set servers(value: string[]) {
    this._servers = value;
  }
  public resetServers() {
    this._servers = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serversInput() {
    return this._servers;
  }

  // wwn - computed: false, optional: false, required: true
  private _wwn?: string; 
  public get wwn() {
    return this.getStringAttribute('wwn');
  }
  public set wwn(value: string) {
    this._wwn = value;
  }
  // Temporarily expose input value. Use with caution.
  public get wwnInput() {
    return this._wwn;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      cluster: cdktf.stringToTerraform(this._cluster),
      deletion_policy: cdktf.stringToTerraform(this._deletionPolicy),
      servers: cdktf.listMapper(cdktf.stringToTerraform, false)(this._servers),
      wwn: cdktf.stringToTerraform(this._wwn),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      cluster: {
        value: cdktf.stringToHclTerraform(this._cluster),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      deletion_policy: {
        value: cdktf.stringToHclTerraform(this._deletionPolicy),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      servers: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._servers),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      wwn: {
        value: cdktf.stringToHclTerraform(this._wwn),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
