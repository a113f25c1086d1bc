// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface DataOperationscenterIncusClusterMembersConfig extends cdktn.TerraformMetaArguments {
  /**
  * Name of the cluster in Operations Center.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members#cluster DataOperationscenterIncusClusterMembers#cluster}
  */
  readonly cluster: string;
  /**
  * Address of the cluster's Incus API (e.g. https://192.0.2.101:8443), instead of a remote or the connection URL Operations Center records.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members#incus_address DataOperationscenterIncusClusterMembers#incus_address}
  */
  readonly incusAddress?: string;
  /**
  * Client certificate the cluster trusts: PEM text or the path of a PEM file. Needs incus_client_key_file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members#incus_client_certificate DataOperationscenterIncusClusterMembers#incus_client_certificate}
  */
  readonly incusClientCertificate?: string;
  /**
  * Path of the client certificate's key file (a path only, so that the key is never in plan or state).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members#incus_client_key_file DataOperationscenterIncusClusterMembers#incus_client_key_file}
  */
  readonly incusClientKeyFile?: string;
  /**
  * The cluster certificate to pin: PEM text or the path of a PEM file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members#incus_server_certificate DataOperationscenterIncusClusterMembers#incus_server_certificate}
  */
  readonly incusServerCertificate?: string;
  /**
  * Remote of the incus CLI configuration (INCUS_CONF, else the incus directory of the user configuration directory: $XDG_CONFIG_HOME/incus or ~/.config/incus, ~/Library/Application Support/incus on macOS; config.yml with clientcerts/<remote>.crt / .key or client.crt / client.key) to reach the cluster at; each address of a comma-separated addr is tried in turn. Default: a remote named after the cluster, else the cluster's connection URL from Operations Center with that directory's client certificate.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members#remote DataOperationscenterIncusClusterMembers#remote}
  */
  readonly remote?: string;
}
export interface DataOperationscenterIncusClusterMembersMembers {
}

export function dataOperationscenterIncusClusterMembersMembersToTerraform(struct?: DataOperationscenterIncusClusterMembersMembers): any {
  if (!cdktn.canInspect(struct) || cdktn.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktn.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdktn.io/docs/concepts/resources#references");
  }
  return {
  }
}


export function dataOperationscenterIncusClusterMembersMembersToHclTerraform(struct?: DataOperationscenterIncusClusterMembersMembers): any {
  if (!cdktn.canInspect(struct) || cdktn.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktn.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdktn.io/docs/concepts/resources#references");
  }
  const attrs = {
  };
  return attrs;
}

export class DataOperationscenterIncusClusterMembersMembersOutputReference extends cdktn.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktn.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): DataOperationscenterIncusClusterMembersMembers | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataOperationscenterIncusClusterMembersMembers | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // architecture - computed: true, optional: false, required: false
  public get architecture() {
    return this.getStringAttribute('architecture');
  }

  // description - computed: true, optional: false, required: false
  public get description() {
    return this.getStringAttribute('description');
  }

  // failure_domain - computed: true, optional: false, required: false
  public get failureDomain() {
    return this.getStringAttribute('failure_domain');
  }

  // groups - computed: true, optional: false, required: false
  public get groups() {
    return this.getListAttribute('groups');
  }

  // message - computed: true, optional: false, required: false
  public get message() {
    return this.getStringAttribute('message');
  }

  // name - computed: true, optional: false, required: false
  public get name() {
    return this.getStringAttribute('name');
  }

  // roles - computed: true, optional: false, required: false
  public get roles() {
    return this.getListAttribute('roles');
  }

  // status - computed: true, optional: false, required: false
  public get status() {
    return this.getStringAttribute('status');
  }

  // url - computed: true, optional: false, required: false
  public get url() {
    return this.getStringAttribute('url');
  }
}

export class DataOperationscenterIncusClusterMembersMembersList extends cdktn.ComplexList {

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(terraformResource: cdktn.IInterpolatingParent, terraformAttribute: string, wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet);
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): DataOperationscenterIncusClusterMembersMembersOutputReference {
    return new DataOperationscenterIncusClusterMembersMembersOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members operationscenter_incus_cluster_members}
*/
export class DataOperationscenterIncusClusterMembers extends cdktn.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter_incus_cluster_members";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTN code for importing a DataOperationscenterIncusClusterMembers resource upon running "cdktn plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataOperationscenterIncusClusterMembers to import
  * @param importFromId The id of the existing DataOperationscenterIncusClusterMembers that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataOperationscenterIncusClusterMembers to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktn.TerraformProvider) {
        return new cdktn.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter_incus_cluster_members", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/data-sources/incus_cluster_members operationscenter_incus_cluster_members} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataOperationscenterIncusClusterMembersConfig
  */
  public constructor(scope: Construct, id: string, config: DataOperationscenterIncusClusterMembersConfig) {
    super(scope, id, {
      terraformResourceType: 'operationscenter_incus_cluster_members',
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
    this._incusAddress = config.incusAddress;
    this._incusClientCertificate = config.incusClientCertificate;
    this._incusClientKeyFile = config.incusClientKeyFile;
    this._incusServerCertificate = config.incusServerCertificate;
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

  // members - computed: true, optional: false, required: false
  private _members = new DataOperationscenterIncusClusterMembersMembersList(this, "members", false);
  public get members() {
    return this._members;
  }

  // names - computed: true, optional: false, required: false
  public get names() {
    return this.getListAttribute('names');
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
      incus_address: cdktn.stringToTerraform(this._incusAddress),
      incus_client_certificate: cdktn.stringToTerraform(this._incusClientCertificate),
      incus_client_key_file: cdktn.stringToTerraform(this._incusClientKeyFile),
      incus_server_certificate: cdktn.stringToTerraform(this._incusServerCertificate),
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
