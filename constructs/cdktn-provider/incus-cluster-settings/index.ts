// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface IncusClusterSettingsConfig extends cdktn.TerraformMetaArguments {
  /**
  * Name of the cluster in Operations Center. The cluster's rename is an in-place change with no Incus call; a move to another existing cluster replaces the resource. When the cluster no longer exists in Operations Center, the resource leaves the state and is planned for creation with it.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#cluster IncusClusterSettings#cluster}
  */
  readonly cluster: string;
  /**
  * Cluster-wide keys and values as strings, e.g. { "cluster.max_voters" = "5" }. Known keys: cluster.offline_threshold, cluster.healing_threshold, cluster.images_minimal_replica, cluster.max_voters, cluster.max_standby, cluster.join_token_expiry, cluster.rebalance.batch, cluster.rebalance.cooldown, cluster.rebalance.interval, cluster.rebalance.threshold.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#config IncusClusterSettings#config}
  */
  readonly config?: { [key: string]: string };
  /**
  * What destroy does: "remove" (the default) takes off the members what this resource applied; "retain" only forgets it, with no call, so a cluster that is kept (its deletion_policy retain or forget) keeps its configuration. Terraform destroys dependents before their cluster and cannot tell them whether the cluster goes too: this attribute says it (the L2 constructs set it from their cluster's deletion policy).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#deletion_policy IncusClusterSettings#deletion_policy}
  */
  readonly deletionPolicy?: string;
  /**
  * Address of the cluster's Incus API (e.g. https://192.0.2.101:8443), instead of a remote or the connection URL Operations Center records.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#incus_address IncusClusterSettings#incus_address}
  */
  readonly incusAddress?: string;
  /**
  * Client certificate the cluster trusts: PEM text or the path of a PEM file. Needs incus_client_key_file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#incus_client_certificate IncusClusterSettings#incus_client_certificate}
  */
  readonly incusClientCertificate?: string;
  /**
  * Path of the client certificate's key file (a path only, so that the key is never in plan or state).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#incus_client_key_file IncusClusterSettings#incus_client_key_file}
  */
  readonly incusClientKeyFile?: string;
  /**
  * The cluster certificate to pin: PEM text or the path of a PEM file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#incus_server_certificate IncusClusterSettings#incus_server_certificate}
  */
  readonly incusServerCertificate?: string;
  /**
  * Starlark source of the instance placement scriptlet (instances.placement.scriptlet). It must define instance_placement(request, candidate_members), use no while and no recursion, and call the placement helpers (log_info, log_warn, log_error, set_target, get_cluster_member_resources, get_cluster_member_state, get_instance_resources) only inside functions.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#placement_scriptlet IncusClusterSettings#placement_scriptlet}
  */
  readonly placementScriptlet?: string;
  /**
  * Remote of the incus CLI configuration (INCUS_CONF, else the incus directory of the user configuration directory: $XDG_CONFIG_HOME/incus or ~/.config/incus, ~/Library/Application Support/incus on macOS; config.yml with clientcerts/<remote>.crt / .key or client.crt / client.key) to reach the cluster at; each address of a comma-separated addr is tried in turn. Default: a remote named after the cluster, else the cluster's connection URL from Operations Center with that directory's client certificate.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#remote IncusClusterSettings#remote}
  */
  readonly remote?: string;
}

/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings operationscenter_incus_cluster_settings}
*/
export class IncusClusterSettings extends cdktn.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter_incus_cluster_settings";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTN code for importing a IncusClusterSettings resource upon running "cdktn plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the IncusClusterSettings to import
  * @param importFromId The id of the existing IncusClusterSettings that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the IncusClusterSettings to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktn.TerraformProvider) {
        return new cdktn.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter_incus_cluster_settings", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/incus_cluster_settings operationscenter_incus_cluster_settings} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options IncusClusterSettingsConfig
  */
  public constructor(scope: Construct, id: string, config: IncusClusterSettingsConfig) {
    super(scope, id, {
      terraformResourceType: 'operationscenter_incus_cluster_settings',
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
    this._incusAddress = config.incusAddress;
    this._incusClientCertificate = config.incusClientCertificate;
    this._incusClientKeyFile = config.incusClientKeyFile;
    this._incusServerCertificate = config.incusServerCertificate;
    this._placementScriptlet = config.placementScriptlet;
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

  // placement_scriptlet - computed: false, optional: true, required: false
  private _placementScriptlet?: string; 
  public get placementScriptlet() {
    return this.getStringAttribute('placement_scriptlet');
  }
  public set placementScriptlet(value: string) {
    this._placementScriptlet = value;
  }
  public resetPlacementScriptlet() {
    this._placementScriptlet = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get placementScriptletInput() {
    return this._placementScriptlet;
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
      incus_address: cdktn.stringToTerraform(this._incusAddress),
      incus_client_certificate: cdktn.stringToTerraform(this._incusClientCertificate),
      incus_client_key_file: cdktn.stringToTerraform(this._incusClientKeyFile),
      incus_server_certificate: cdktn.stringToTerraform(this._incusServerCertificate),
      placement_scriptlet: cdktn.stringToTerraform(this._placementScriptlet),
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
      placement_scriptlet: {
        value: cdktn.stringToHclTerraform(this._placementScriptlet),
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
