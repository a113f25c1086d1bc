// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface IncusClusterGroupConfig extends cdktn.TerraformMetaArguments {
  /**
  * Name of the cluster in Operations Center. The cluster's rename is an in-place change with no Incus call; a move to another existing cluster replaces the resource. When the cluster no longer exists in Operations Center, the resource leaves the state and is planned for creation with it.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#cluster IncusClusterGroup#cluster}
  */
  readonly cluster: string;
  /**
  * Group config: user.* and instances.vm.cpu.<ARCH>.baseline / .flags keys.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#config IncusClusterGroup#config}
  */
  readonly config?: { [key: string]: string };
  /**
  * What destroy does: "remove" (the default) takes off the members what this resource applied; "retain" only forgets it, with no call, so a cluster that is kept (its deletion_policy retain or forget) keeps its configuration. Terraform destroys dependents before their cluster and cannot tell them whether the cluster goes too: this attribute says it (the L2 constructs set it from their cluster's deletion policy).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#deletion_policy IncusClusterGroup#deletion_policy}
  */
  readonly deletionPolicy?: string;
  /**
  * Description. Default "".
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#description IncusClusterGroup#description}
  */
  readonly description?: string;
  /**
  * Address of the cluster's Incus API (e.g. https://192.0.2.101:8443), instead of a remote or the connection URL Operations Center records.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#incus_address IncusClusterGroup#incus_address}
  */
  readonly incusAddress?: string;
  /**
  * Client certificate the cluster trusts: PEM text or the path of a PEM file. Needs incus_client_key_file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#incus_client_certificate IncusClusterGroup#incus_client_certificate}
  */
  readonly incusClientCertificate?: string;
  /**
  * Path of the client certificate's key file (a path only, so that the key is never in plan or state).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#incus_client_key_file IncusClusterGroup#incus_client_key_file}
  */
  readonly incusClientKeyFile?: string;
  /**
  * The cluster certificate to pin: PEM text or the path of a PEM file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#incus_server_certificate IncusClusterGroup#incus_server_certificate}
  */
  readonly incusServerCertificate?: string;
  /**
  * Member names in the group.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#members IncusClusterGroup#members}
  */
  readonly members: string[];
  /**
  * Group name (Incus API name rules; not default). A change replaces the group. Import id: CLUSTER/NAME.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#name IncusClusterGroup#name}
  */
  readonly name: string;
  /**
  * Remote of the incus CLI configuration (INCUS_CONF, else the incus directory of the user configuration directory: $XDG_CONFIG_HOME/incus or ~/.config/incus, ~/Library/Application Support/incus on macOS; config.yml with clientcerts/<remote>.crt / .key or client.crt / client.key) to reach the cluster at; each address of a comma-separated addr is tried in turn. Default: a remote named after the cluster, else the cluster's connection URL from Operations Center with that directory's client certificate.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#remote IncusClusterGroup#remote}
  */
  readonly remote?: string;
}

/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group operationscenter_incus_cluster_group}
*/
export class IncusClusterGroup extends cdktn.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter_incus_cluster_group";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTN code for importing a IncusClusterGroup resource upon running "cdktn plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the IncusClusterGroup to import
  * @param importFromId The id of the existing IncusClusterGroup that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the IncusClusterGroup to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktn.TerraformProvider) {
        return new cdktn.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter_incus_cluster_group", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_group operationscenter_incus_cluster_group} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options IncusClusterGroupConfig
  */
  public constructor(scope: Construct, id: string, config: IncusClusterGroupConfig) {
    super(scope, id, {
      terraformResourceType: 'operationscenter_incus_cluster_group',
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
    this._config = config.config;
    this._deletionPolicy = config.deletionPolicy;
    this._description = config.description;
    this._incusAddress = config.incusAddress;
    this._incusClientCertificate = config.incusClientCertificate;
    this._incusClientKeyFile = config.incusClientKeyFile;
    this._incusServerCertificate = config.incusServerCertificate;
    this._members = config.members;
    this._name = config.name;
    this._remote = config.remote;
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

  // config - computed: false, optional: true, required: false
  private _config?: { [key: string]: string }; 
  public get config() {
    return this.getStringMapAttribute('config');
  }
  public set config(value: { [key: string]: string }) {
    this._config = value;
  }
  public resetConfig() {
    this._config = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get configInput() {
    return this._config;
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

  // description - computed: false, optional: true, required: false
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

  // members - computed: false, optional: false, required: true
  private _members?: string[]; 
  public get members() {
    return cdktn.Fn.tolist(this.getListAttribute('members'));
  }
  public set members(value: string[]) {
    this._members = value;
  }
  // Temporarily expose input value. Use with caution.
  public get membersInput() {
    return this._members;
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
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

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      cluster: cdktn.stringToTerraform(this._cluster),
      config: cdktn.hashMapper(cdktn.stringToTerraform)(this._config),
      deletion_policy: cdktn.stringToTerraform(this._deletionPolicy),
      description: cdktn.stringToTerraform(this._description),
      incus_address: cdktn.stringToTerraform(this._incusAddress),
      incus_client_certificate: cdktn.stringToTerraform(this._incusClientCertificate),
      incus_client_key_file: cdktn.stringToTerraform(this._incusClientKeyFile),
      incus_server_certificate: cdktn.stringToTerraform(this._incusServerCertificate),
      members: cdktn.listMapper(cdktn.stringToTerraform, false)(this._members),
      name: cdktn.stringToTerraform(this._name),
      remote: cdktn.stringToTerraform(this._remote),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      cluster: {
        value: cdktn.stringToHclTerraform(this._cluster),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      config: {
        value: cdktn.hashMapperHcl(cdktn.stringToHclTerraform)(this._config),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      deletion_policy: {
        value: cdktn.stringToHclTerraform(this._deletionPolicy),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      description: {
        value: cdktn.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      incus_address: {
        value: cdktn.stringToHclTerraform(this._incusAddress),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      incus_client_certificate: {
        value: cdktn.stringToHclTerraform(this._incusClientCertificate),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      incus_client_key_file: {
        value: cdktn.stringToHclTerraform(this._incusClientKeyFile),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      incus_server_certificate: {
        value: cdktn.stringToHclTerraform(this._incusServerCertificate),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      members: {
        value: cdktn.listMapperHcl(cdktn.stringToHclTerraform, false)(this._members),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      name: {
        value: cdktn.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      remote: {
        value: cdktn.stringToHclTerraform(this._remote),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
