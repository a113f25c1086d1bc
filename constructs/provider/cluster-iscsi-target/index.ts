// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ClusterIscsiTargetConfig extends cdktf.TerraformMetaArguments {
  /**
  * The portal's IP address or host name.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target#address ClusterIscsiTarget#address}
  */
  readonly address: string;
  /**
  * Name of the cluster in Operations Center. A change that follows the cluster's rename is an in-place change of the state only (the members keep what they carry); a change to another cluster that exists already is a move, also in place: the apply removes it from the old cluster's members (per deletion_policy) and adds it on the new one's.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target#cluster ClusterIscsiTarget#cluster}
  */
  readonly cluster: string;
  /**
  * What destroy does: "remove" (the default) takes off the members what this resource applied; "retain" only forgets it, with no call, so a cluster that is kept (its deletion_policy retain or forget) keeps its configuration. Terraform destroys dependents before their cluster and cannot tell them whether the cluster goes too: this attribute says it (the L2 constructs set it from their cluster's deletion policy).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target#deletion_policy ClusterIscsiTarget#deletion_policy}
  */
  readonly deletionPolicy?: string;
  /**
  * The portal's TCP port. Default 3260.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target#port ClusterIscsiTarget#port}
  */
  readonly port?: number;
  /**
  * The cluster's declared servers (the L2 constructs wire it to the cluster resource's servers). Only used to notice a change: when it changes, the plan converges every member again after the cluster's own change, so a server that joins gets this in the same apply.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target#servers ClusterIscsiTarget#servers}
  */
  readonly servers?: string[];
  /**
  * The target IQN, e.g. "iqn.2004-10.org.example:storage1".
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target#target ClusterIscsiTarget#target}
  */
  readonly target: string;
}

/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target operationscenter_cluster_iscsi_target}
*/
export class ClusterIscsiTarget extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter_cluster_iscsi_target";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a ClusterIscsiTarget resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ClusterIscsiTarget to import
  * @param importFromId The id of the existing ClusterIscsiTarget that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ClusterIscsiTarget to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter_cluster_iscsi_target", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_iscsi_target operationscenter_cluster_iscsi_target} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ClusterIscsiTargetConfig
  */
  public constructor(scope: Construct, id: string, config: ClusterIscsiTargetConfig) {
    super(scope, id, {
      terraformResourceType: 'operationscenter_cluster_iscsi_target',
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
    this._address = config.address;
    this._cluster = config.cluster;
    this._deletionPolicy = config.deletionPolicy;
    this._port = config.port;
    this._servers = config.servers;
    this._target = config.target;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // address - computed: false, optional: false, required: true
  private _address?: string; 
  public get address() {
    return this.getStringAttribute('address');
  }
  public set address(value: string) {
    this._address = value;
  }
  // Temporarily expose input value. Use with caution.
  public get addressInput() {
    return this._address;
  }

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

  // port - computed: true, optional: true, required: false
  private _port?: number; 
  public get port() {
    return this.getNumberAttribute('port');
  }
  public set port(value: number) {
    this._port = value;
  }
  public resetPort() {
    this._port = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portInput() {
    return this._port;
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

  // target - computed: false, optional: false, required: true
  private _target?: string; 
  public get target() {
    return this.getStringAttribute('target');
  }
  public set target(value: string) {
    this._target = value;
  }
  // Temporarily expose input value. Use with caution.
  public get targetInput() {
    return this._target;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      address: cdktf.stringToTerraform(this._address),
      cluster: cdktf.stringToTerraform(this._cluster),
      deletion_policy: cdktf.stringToTerraform(this._deletionPolicy),
      port: cdktf.numberToTerraform(this._port),
      servers: cdktf.listMapper(cdktf.stringToTerraform, false)(this._servers),
      target: cdktf.stringToTerraform(this._target),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      address: {
        value: cdktf.stringToHclTerraform(this._address),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
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
      port: {
        value: cdktf.numberToHclTerraform(this._port),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      servers: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._servers),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      target: {
        value: cdktf.stringToHclTerraform(this._target),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
