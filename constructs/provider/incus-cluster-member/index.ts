// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface IncusClusterMemberConfig extends cdktf.TerraformMetaArguments {
  /**
  * Name of the cluster in Operations Center. The cluster's rename is an in-place change with no Incus call; a move to another existing cluster replaces the resource. When the cluster no longer exists in Operations Center, the resource leaves the state and is planned for creation with it.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#cluster IncusClusterMember#cluster}
  */
  readonly cluster: string;
  /**
  * Description of the member.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#description IncusClusterMember#description}
  */
  readonly description?: string;
  /**
  * How instances leave on evacuation: auto, stop, migrate, live-migrate (default auto: each instance's cluster.evacuate).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#evacuation_mode IncusClusterMember#evacuation_mode}
  */
  readonly evacuationMode?: string;
  /**
  * Failure domain of the member ("default" means none).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#failure_domain IncusClusterMember#failure_domain}
  */
  readonly failureDomain?: string;
  /**
  * Cluster groups the member belongs to (at least one; the whole list is replaced).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#groups IncusClusterMember#groups}
  */
  readonly groups?: string[];
  /**
  * Address of the cluster's Incus API (e.g. https://192.0.2.101:8443), instead of a remote or the connection URL Operations Center records.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#incus_address IncusClusterMember#incus_address}
  */
  readonly incusAddress?: string;
  /**
  * Client certificate the cluster trusts: PEM text or the path of a PEM file. Needs incus_client_key_file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#incus_client_certificate IncusClusterMember#incus_client_certificate}
  */
  readonly incusClientCertificate?: string;
  /**
  * Path of the client certificate's key file (a path only, so that the key is never in plan or state).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#incus_client_key_file IncusClusterMember#incus_client_key_file}
  */
  readonly incusClientKeyFile?: string;
  /**
  * The cluster certificate to pin: PEM text or the path of a PEM file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#incus_server_certificate IncusClusterMember#incus_server_certificate}
  */
  readonly incusServerCertificate?: string;
  /**
  * The member (server) name. A change replaces the resource. Import id: CLUSTER/MEMBER.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#member IncusClusterMember#member}
  */
  readonly member: string;
  /**
  * Remote of the incus CLI configuration (INCUS_CONF, else the incus directory of the user configuration directory: $XDG_CONFIG_HOME/incus or ~/.config/incus, ~/Library/Application Support/incus on macOS; config.yml with clientcerts/<remote>.crt / .key or client.crt / client.key) to reach the cluster at; each address of a comma-separated addr is tried in turn. Default: a remote named after the cluster, else the cluster's connection URL from Operations Center with that directory's client certificate.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#remote IncusClusterMember#remote}
  */
  readonly remote?: string;
  /**
  * Roles to assign: event-hub, ovn-chassis, database-client. The database roles are assigned by Incus and cannot be given. A role removed by hand shows as a change.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#roles IncusClusterMember#roles}
  */
  readonly roles?: string[];
  /**
  * scheduler.instance: all, manual, group (all: any placement; manual: only when targeted; group: only when its group is targeted).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#scheduler_instance IncusClusterMember#scheduler_instance}
  */
  readonly schedulerInstance?: string;
  /**
  * online or evacuated. evacuated evacuates the member (waiting for the operation); online restores it.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#state IncusClusterMember#state}
  */
  readonly state?: string;
}

/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member operationscenter_incus_cluster_member}
*/
export class IncusClusterMember extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter_incus_cluster_member";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a IncusClusterMember resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the IncusClusterMember to import
  * @param importFromId The id of the existing IncusClusterMember that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the IncusClusterMember to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter_incus_cluster_member", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_member operationscenter_incus_cluster_member} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options IncusClusterMemberConfig
  */
  public constructor(scope: Construct, id: string, config: IncusClusterMemberConfig) {
    super(scope, id, {
      terraformResourceType: 'operationscenter_incus_cluster_member',
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
    this._description = config.description;
    this._evacuationMode = config.evacuationMode;
    this._failureDomain = config.failureDomain;
    this._groups = config.groups;
    this._incusAddress = config.incusAddress;
    this._incusClientCertificate = config.incusClientCertificate;
    this._incusClientKeyFile = config.incusClientKeyFile;
    this._incusServerCertificate = config.incusServerCertificate;
    this._member = config.member;
    this._remote = config.remote;
    this._roles = config.roles;
    this._schedulerInstance = config.schedulerInstance;
    this._state = config.state;
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

  // description - computed: true, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // evacuation_mode - computed: false, optional: true, required: false
  private _evacuationMode?: string; 
  public get evacuationMode() {
    return this.getStringAttribute('evacuation_mode');
  }
  public set evacuationMode(value: string) {
    this._evacuationMode = value;
  }
  public resetEvacuationMode() {
    this._evacuationMode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get evacuationModeInput() {
    return this._evacuationMode;
  }

  // failure_domain - computed: true, optional: true, required: false
  private _failureDomain?: string; 
  public get failureDomain() {
    return this.getStringAttribute('failure_domain');
  }
  public set failureDomain(value: string) {
    this._failureDomain = value;
  }
  public resetFailureDomain() {
    this._failureDomain = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get failureDomainInput() {
    return this._failureDomain;
  }

  // groups - computed: true, optional: true, required: false
  private _groups?: string[]; 
  public get groups() {
    return cdktf.Fn.tolist(this.getListAttribute('groups'));
  }
  public set groups(value: string[]) {
    this._groups = value;
  }
  public resetGroups() {
    this._groups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get groupsInput() {
    return this._groups;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // incus_address - computed: false, optional: true, required: false
  private _incusAddress?: string; 
  public get incusAddress() {
    return this.getStringAttribute('incus_address');
  }
  public set incusAddress(value: string) {
    this._incusAddress = value;
  }
  public resetIncusAddress() {
    this._incusAddress = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get incusAddressInput() {
    return this._incusAddress;
  }

  // incus_client_certificate - computed: false, optional: true, required: false
  private _incusClientCertificate?: string; 
  public get incusClientCertificate() {
    return this.getStringAttribute('incus_client_certificate');
  }
  public set incusClientCertificate(value: string) {
    this._incusClientCertificate = value;
  }
  public resetIncusClientCertificate() {
    this._incusClientCertificate = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get incusClientCertificateInput() {
    return this._incusClientCertificate;
  }

  // incus_client_key_file - computed: false, optional: true, required: false
  private _incusClientKeyFile?: string; 
  public get incusClientKeyFile() {
    return this.getStringAttribute('incus_client_key_file');
  }
  public set incusClientKeyFile(value: string) {
    this._incusClientKeyFile = value;
  }
  public resetIncusClientKeyFile() {
    this._incusClientKeyFile = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get incusClientKeyFileInput() {
    return this._incusClientKeyFile;
  }

  // incus_server_certificate - computed: false, optional: true, required: false
  private _incusServerCertificate?: string; 
  public get incusServerCertificate() {
    return this.getStringAttribute('incus_server_certificate');
  }
  public set incusServerCertificate(value: string) {
    this._incusServerCertificate = value;
  }
  public resetIncusServerCertificate() {
    this._incusServerCertificate = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get incusServerCertificateInput() {
    return this._incusServerCertificate;
  }

  // member - computed: false, optional: false, required: true
  private _member?: string; 
  public get member() {
    return this.getStringAttribute('member');
  }
  public set member(value: string) {
    this._member = value;
  }
  // Temporarily expose input value. Use with caution.
  public get memberInput() {
    return this._member;
  }

  // remote - computed: false, optional: true, required: false
  private _remote?: string; 
  public get remote() {
    return this.getStringAttribute('remote');
  }
  public set remote(value: string) {
    this._remote = value;
  }
  public resetRemote() {
    this._remote = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get remoteInput() {
    return this._remote;
  }

  // roles - computed: true, optional: true, required: false
  private _roles?: string[]; 
  public get roles() {
    return cdktf.Fn.tolist(this.getListAttribute('roles'));
  }
  public set roles(value: string[]) {
    this._roles = value;
  }
  public resetRoles() {
    this._roles = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rolesInput() {
    return this._roles;
  }

  // scheduler_instance - computed: true, optional: true, required: false
  private _schedulerInstance?: string; 
  public get schedulerInstance() {
    return this.getStringAttribute('scheduler_instance');
  }
  public set schedulerInstance(value: string) {
    this._schedulerInstance = value;
  }
  public resetSchedulerInstance() {
    this._schedulerInstance = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get schedulerInstanceInput() {
    return this._schedulerInstance;
  }

  // state - computed: true, optional: true, required: false
  private _state?: string; 
  public get state() {
    return this.getStringAttribute('state');
  }
  public set state(value: string) {
    this._state = value;
  }
  public resetState() {
    this._state = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get stateInput() {
    return this._state;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      cluster: cdktf.stringToTerraform(this._cluster),
      description: cdktf.stringToTerraform(this._description),
      evacuation_mode: cdktf.stringToTerraform(this._evacuationMode),
      failure_domain: cdktf.stringToTerraform(this._failureDomain),
      groups: cdktf.listMapper(cdktf.stringToTerraform, false)(this._groups),
      incus_address: cdktf.stringToTerraform(this._incusAddress),
      incus_client_certificate: cdktf.stringToTerraform(this._incusClientCertificate),
      incus_client_key_file: cdktf.stringToTerraform(this._incusClientKeyFile),
      incus_server_certificate: cdktf.stringToTerraform(this._incusServerCertificate),
      member: cdktf.stringToTerraform(this._member),
      remote: cdktf.stringToTerraform(this._remote),
      roles: cdktf.listMapper(cdktf.stringToTerraform, false)(this._roles),
      scheduler_instance: cdktf.stringToTerraform(this._schedulerInstance),
      state: cdktf.stringToTerraform(this._state),
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
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      evacuation_mode: {
        value: cdktf.stringToHclTerraform(this._evacuationMode),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      failure_domain: {
        value: cdktf.stringToHclTerraform(this._failureDomain),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      groups: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._groups),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      incus_address: {
        value: cdktf.stringToHclTerraform(this._incusAddress),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      incus_client_certificate: {
        value: cdktf.stringToHclTerraform(this._incusClientCertificate),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      incus_client_key_file: {
        value: cdktf.stringToHclTerraform(this._incusClientKeyFile),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      incus_server_certificate: {
        value: cdktf.stringToHclTerraform(this._incusServerCertificate),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      member: {
        value: cdktf.stringToHclTerraform(this._member),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      remote: {
        value: cdktf.stringToHclTerraform(this._remote),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      roles: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._roles),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      scheduler_instance: {
        value: cdktf.stringToHclTerraform(this._schedulerInstance),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      state: {
        value: cdktf.stringToHclTerraform(this._state),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
