// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface ClusterConfig extends cdktn.TerraformMetaArguments {
  /**
  * Identifies this resource across checkouts of its configuration (the Cluster construct sets it to its construct path). A create marks the cluster with a digest of it (property oc-cdktf.io/created-by), so that a later apply adopts a cluster an interrupted create left even without the create journal in .terraform/ (a fresh checkout, a CI runner). The cluster also carries oc-cdktf.io/unsaved from the POST until the provider hands it to Terraform, so that terraform destroy, even with an empty state, refuses to end while such a cluster exists. Keep it unique among the configurations that use this Operations Center. Unset: only the create journal recognises such a cluster.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#adoption_key Cluster#adoption_key}
  */
  readonly adoptionKey?: string;
  /**
  * When true, a change of a creation input replaces the cluster (its deletion policy runs first) instead of failing the plan. Default false.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#allow_recreate Cluster#allow_recreate}
  */
  readonly allowRecreate?: boolean | cdktn.IResolvable;
  /**
  * Application config (Incus preseed) as JSON object text, without secret fields (those go in secrets_wo). Used by Operations Center only when it creates the cluster: a later change is a plan error unless allow_recreate is true.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#application_config Cluster#application_config}
  */
  readonly applicationConfig?: string;
  /**
  * The update channel. Unset: not managed, the live value is kept (Operations Center's default channel at creation).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#channel Cluster#channel}
  */
  readonly channel?: string;
  /**
  * The URL users reach the cluster at (http or https). Unset: not managed, the live value is kept (and shown).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#connection_url Cluster#connection_url}
  */
  readonly connectionUrl?: string;
  /**
  * Copy the services config of an existing member to servers that join (copy_services_config of :add-servers). Default true.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#copy_services_config_on_add Cluster#copy_services_config_on_add}
  */
  readonly copyServicesConfigOnAdd?: boolean | cdktn.IResolvable;
  /**
  * What destroy does: "retain" (default: only forget it from state, no call), "forget" (delete the record in Operations Center, the servers keep running as a cluster) or "factory-reset" (factory-reset every member).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#deletion_policy Cluster#deletion_policy}
  */
  readonly deletionPolicy?: string;
  /**
  * Free-text description. Unset: not managed, the live value is kept.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#description Cluster#description}
  */
  readonly description?: string;
  /**
  * When true, members that are not declared in servers (added by someone else) are removed too. Default false.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#exclusive_members Cluster#exclusive_members}
  */
  readonly exclusiveMembers?: boolean | cdktn.IResolvable;
  /**
  * Name of the cluster in Operations Center (case-sensitive; not empty, at most 255 bytes, none of \ / : * ? " < > |). A change renames the cluster in place.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#name Cluster#name}
  */
  readonly name: string;
  /**
  * Properties this resource manages; properties set by others are kept (see properties_all). Keys starting with oc-cdktf.io/ are reserved.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#properties Cluster#properties}
  */
  readonly properties?: { [key: string]: string };
  /**
  * Write-only JSON text {"services_config": {...}, "application_config": {...}, "template_variables": {...}} holding the secret fields, deep-merged into the public parts at creation. Never stored in plan or state; secrets_digest detects a change.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#secrets_wo Cluster#secrets_wo}
  */
  readonly secretsWo?: string;
  /**
  * Server type of the members: incus (default), incus-lts-7.0, migration-manager or operations-center. Used by Operations Center only when it creates the cluster: a later change is a plan error unless allow_recreate is true.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#server_type Cluster#server_type}
  */
  readonly serverType?: string;
  /**
  * The member servers this resource manages. At creation the first name in sorted order bootstraps the cluster. Adding a name joins the server (:add-servers); removing one evacuates it and removes it, and Operations Center factory-resets it.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#servers Cluster#servers}
  */
  readonly servers: string[];
  /**
  * IncusOS services config as JSON object text, without secret fields (those go in secrets_wo). Used by Operations Center only when it creates the cluster: a later change is a plan error unless allow_recreate is true.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#services_config Cluster#services_config}
  */
  readonly servicesConfig?: string;
  /**
  * Name of the cluster template to create the cluster from. Used by Operations Center only when it creates the cluster: a later change is a plan error unless allow_recreate is true.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#template Cluster#template}
  */
  readonly template?: string;
  /**
  * Values of the template's variables that are not secret (secret ones go in secrets_wo). Used by Operations Center only when it creates the cluster: a later change is a plan error unless allow_recreate is true.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#template_variables Cluster#template_variables}
  */
  readonly templateVariables?: { [key: string]: string };
  /**
  * rolling_restart block
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#rolling_restart Cluster#rolling_restart}
  */
  readonly rollingRestart?: ClusterRollingRestart;
}
export interface ClusterRollingRestart {
  /**
  * Wait after a member is restored, as a Go duration such as "5m". Unset: not managed.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#post_restore_delay Cluster#post_restore_delay}
  */
  readonly postRestoreDelay?: string;
  /**
  * "" (restore the member's instances) or "skip". Unset: not managed.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#restore_mode Cluster#restore_mode}
  */
  readonly restoreMode?: string;
}

export function clusterRollingRestartToTerraform(struct?: ClusterRollingRestart | cdktn.IResolvable): any {
  if (!cdktn.canInspect(struct) || cdktn.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktn.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdktn.io/docs/concepts/resources#references");
  }
  return {
    post_restore_delay: cdktn.stringToTerraform(struct!.postRestoreDelay),
    restore_mode: cdktn.stringToTerraform(struct!.restoreMode),
  }
}


export function clusterRollingRestartToHclTerraform(struct?: ClusterRollingRestart | cdktn.IResolvable): any {
  if (!cdktn.canInspect(struct) || cdktn.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktn.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdktn.io/docs/concepts/resources#references");
  }
  const attrs = {
    post_restore_delay: {
      value: cdktn.stringToHclTerraform(struct!.postRestoreDelay),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    restore_mode: {
      value: cdktn.stringToHclTerraform(struct!.restoreMode),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ClusterRollingRestartOutputReference extends cdktn.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktn.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktn.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ClusterRollingRestart | cdktn.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._postRestoreDelay !== undefined) {
      hasAnyValues = true;
      internalValueResult.postRestoreDelay = this._postRestoreDelay;
    }
    if (this._restoreMode !== undefined) {
      hasAnyValues = true;
      internalValueResult.restoreMode = this._restoreMode;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ClusterRollingRestart | cdktn.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._postRestoreDelay = undefined;
      this._restoreMode = undefined;
    }
    else if (cdktn.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._postRestoreDelay = value.postRestoreDelay;
      this._restoreMode = value.restoreMode;
    }
  }

  // post_restore_delay - computed: false, optional: true, required: false
  private _postRestoreDelay?: string; 
  public get postRestoreDelay() {
    return this.getStringAttribute('post_restore_delay');
  }
  public set postRestoreDelay(value: string) {
    this._postRestoreDelay = value;
  }
  public resetPostRestoreDelay() {
    this._postRestoreDelay = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get postRestoreDelayInput() {
    return this._postRestoreDelay;
  }

  // restore_mode - computed: false, optional: true, required: false
  private _restoreMode?: string; 
  public get restoreMode() {
    return this.getStringAttribute('restore_mode');
  }
  public set restoreMode(value: string) {
    this._restoreMode = value;
  }
  public resetRestoreMode() {
    this._restoreMode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get restoreModeInput() {
    return this._restoreMode;
  }
}

/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster operationscenter_cluster}
*/
export class Cluster extends cdktn.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter_cluster";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTN code for importing a Cluster resource upon running "cdktn plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Cluster to import
  * @param importFromId The id of the existing Cluster that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Cluster to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktn.TerraformProvider) {
        return new cdktn.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter_cluster", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster operationscenter_cluster} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ClusterConfig
  */
  public constructor(scope: Construct, id: string, config: ClusterConfig) {
    super(scope, id, {
      terraformResourceType: 'operationscenter_cluster',
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
    this._adoptionKey = config.adoptionKey;
    this._allowRecreate = config.allowRecreate;
    this._applicationConfig = config.applicationConfig;
    this._channel = config.channel;
    this._connectionUrl = config.connectionUrl;
    this._copyServicesConfigOnAdd = config.copyServicesConfigOnAdd;
    this._deletionPolicy = config.deletionPolicy;
    this._description = config.description;
    this._exclusiveMembers = config.exclusiveMembers;
    this._name = config.name;
    this._properties = config.properties;
    this._secretsWo = config.secretsWo;
    this._serverType = config.serverType;
    this._servers = config.servers;
    this._servicesConfig = config.servicesConfig;
    this._template = config.template;
    this._templateVariables = config.templateVariables;
    this._rollingRestart.internalValue = config.rollingRestart;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // adoption_key - computed: false, optional: true, required: false
  private _adoptionKey?: string; 
  public get adoptionKey() {
    return this.getStringAttribute('adoption_key');
  }
  public set adoptionKey(value: string) {
    this._adoptionKey = value;
  }
  public resetAdoptionKey() {
    this._adoptionKey = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get adoptionKeyInput() {
    return this._adoptionKey;
  }

  // allow_recreate - computed: false, optional: true, required: false
  private _allowRecreate?: boolean | cdktn.IResolvable; 
  public get allowRecreate() {
    return this.getBooleanAttribute('allow_recreate');
  }
  public set allowRecreate(value: boolean | cdktn.IResolvable) {
    this._allowRecreate = value;
  }
  public resetAllowRecreate() {
    this._allowRecreate = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowRecreateInput() {
    return this._allowRecreate;
  }

  // application_config - computed: false, optional: true, required: false
  private _applicationConfig?: string; 
  public get applicationConfig() {
    return this.getStringAttribute('application_config');
  }
  public set applicationConfig(value: string) {
    this._applicationConfig = value;
  }
  public resetApplicationConfig() {
    this._applicationConfig = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get applicationConfigInput() {
    return this._applicationConfig;
  }

  // certificate - computed: true, optional: false, required: false
  public get certificate() {
    return this.getStringAttribute('certificate');
  }

  // channel - computed: true, optional: true, required: false
  private _channel?: string; 
  public get channel() {
    return this.getStringAttribute('channel');
  }
  public set channel(value: string) {
    this._channel = value;
  }
  public resetChannel() {
    this._channel = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get channelInput() {
    return this._channel;
  }

  // connection_url - computed: true, optional: true, required: false
  private _connectionUrl?: string; 
  public get connectionUrl() {
    return this.getStringAttribute('connection_url');
  }
  public set connectionUrl(value: string) {
    this._connectionUrl = value;
  }
  public resetConnectionUrl() {
    this._connectionUrl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get connectionUrlInput() {
    return this._connectionUrl;
  }

  // copy_services_config_on_add - computed: false, optional: true, required: false
  private _copyServicesConfigOnAdd?: boolean | cdktn.IResolvable; 
  public get copyServicesConfigOnAdd() {
    return this.getBooleanAttribute('copy_services_config_on_add');
  }
  public set copyServicesConfigOnAdd(value: boolean | cdktn.IResolvable) {
    this._copyServicesConfigOnAdd = value;
  }
  public resetCopyServicesConfigOnAdd() {
    this._copyServicesConfigOnAdd = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get copyServicesConfigOnAddInput() {
    return this._copyServicesConfigOnAdd;
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

  // exclusive_members - computed: false, optional: true, required: false
  private _exclusiveMembers?: boolean | cdktn.IResolvable; 
  public get exclusiveMembers() {
    return this.getBooleanAttribute('exclusive_members');
  }
  public set exclusiveMembers(value: boolean | cdktn.IResolvable) {
    this._exclusiveMembers = value;
  }
  public resetExclusiveMembers() {
    this._exclusiveMembers = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exclusiveMembersInput() {
    return this._exclusiveMembers;
  }

  // fingerprint - computed: true, optional: false, required: false
  public get fingerprint() {
    return this.getStringAttribute('fingerprint');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // members - computed: true, optional: false, required: false
  public get members() {
    return cdktn.Fn.tolist(this.getListAttribute('members'));
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

  // properties - computed: false, optional: true, required: false
  private _properties?: { [key: string]: string }; 
  public get properties() {
    return this.getStringMapAttribute('properties');
  }
  public set properties(value: { [key: string]: string }) {
    this._properties = value;
  }
  public resetProperties() {
    this._properties = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get propertiesInput() {
    return this._properties;
  }

  // properties_all - computed: true, optional: false, required: false
  private _propertiesAll = new cdktn.StringMap(this, "properties_all");
  public get propertiesAll() {
    return this._propertiesAll;
  }

  // secrets_digest - computed: true, optional: false, required: false
  public get secretsDigest() {
    return this.getStringAttribute('secrets_digest');
  }

  // secrets_wo - computed: false, optional: true, required: false
  private _secretsWo?: string; 
  /**
  * @deprecated Write-only: the provider never returns this value; reading it always yields null by protocol contract. The getter remains for compatibility and will be removed in a future prebuilt-provider major.
  */
  public get secretsWo() {
    return this.getStringAttribute('secrets_wo');
  }
  public set secretsWo(value: string) {
    this._secretsWo = value;
  }
  public resetSecretsWo() {
    this._secretsWo = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get secretsWoInput() {
    return this._secretsWo;
  }

  // server_type - computed: false, optional: true, required: false
  private _serverType?: string; 
  public get serverType() {
    return this.getStringAttribute('server_type');
  }
  public set serverType(value: string) {
    this._serverType = value;
  }
  public resetServerType() {
    this._serverType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serverTypeInput() {
    return this._serverType;
  }

  // servers - computed: false, optional: false, required: true
  private _servers?: string[]; 
  public get servers() {
    return cdktn.Fn.tolist(this.getListAttribute('servers'));
  }
  public set servers(value: string[]) {
    this._servers = value;
  }
  // Temporarily expose input value. Use with caution.
  public get serversInput() {
    return this._servers;
  }

  // services_config - computed: false, optional: true, required: false
  private _servicesConfig?: string; 
  public get servicesConfig() {
    return this.getStringAttribute('services_config');
  }
  public set servicesConfig(value: string) {
    this._servicesConfig = value;
  }
  public resetServicesConfig() {
    this._servicesConfig = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get servicesConfigInput() {
    return this._servicesConfig;
  }

  // status - computed: true, optional: false, required: false
  public get status() {
    return this.getStringAttribute('status');
  }

  // template - computed: false, optional: true, required: false
  private _template?: string; 
  public get template() {
    return this.getStringAttribute('template');
  }
  public set template(value: string) {
    this._template = value;
  }
  public resetTemplate() {
    this._template = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get templateInput() {
    return this._template;
  }

  // template_variables - computed: false, optional: true, required: false
  private _templateVariables?: { [key: string]: string }; 
  public get templateVariables() {
    return this.getStringMapAttribute('template_variables');
  }
  public set templateVariables(value: { [key: string]: string }) {
    this._templateVariables = value;
  }
  public resetTemplateVariables() {
    this._templateVariables = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get templateVariablesInput() {
    return this._templateVariables;
  }

  // rolling_restart - computed: false, optional: true, required: false
  private _rollingRestart = new ClusterRollingRestartOutputReference(this, "rolling_restart");
  public get rollingRestart() {
    return this._rollingRestart;
  }
  public putRollingRestart(value: ClusterRollingRestart) {
    this._rollingRestart.internalValue = value;
  }
  public resetRollingRestart() {
    this._rollingRestart.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rollingRestartInput() {
    return this._rollingRestart.internalValue;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      adoption_key: cdktn.stringToTerraform(this._adoptionKey),
      allow_recreate: cdktn.booleanToTerraform(this._allowRecreate),
      application_config: cdktn.stringToTerraform(this._applicationConfig),
      channel: cdktn.stringToTerraform(this._channel),
      connection_url: cdktn.stringToTerraform(this._connectionUrl),
      copy_services_config_on_add: cdktn.booleanToTerraform(this._copyServicesConfigOnAdd),
      deletion_policy: cdktn.stringToTerraform(this._deletionPolicy),
      description: cdktn.stringToTerraform(this._description),
      exclusive_members: cdktn.booleanToTerraform(this._exclusiveMembers),
      name: cdktn.stringToTerraform(this._name),
      properties: cdktn.hashMapper(cdktn.stringToTerraform)(this._properties),
      secrets_wo: this.markWriteOnlyAttribute(cdktn.stringToTerraform(this._secretsWo)),
      server_type: cdktn.stringToTerraform(this._serverType),
      servers: cdktn.listMapper(cdktn.stringToTerraform, false)(this._servers),
      services_config: cdktn.stringToTerraform(this._servicesConfig),
      template: cdktn.stringToTerraform(this._template),
      template_variables: cdktn.hashMapper(cdktn.stringToTerraform)(this._templateVariables),
      rolling_restart: clusterRollingRestartToTerraform(this._rollingRestart.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      adoption_key: {
        value: cdktn.stringToHclTerraform(this._adoptionKey),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      allow_recreate: {
        value: cdktn.booleanToHclTerraform(this._allowRecreate),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      application_config: {
        value: cdktn.stringToHclTerraform(this._applicationConfig),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      channel: {
        value: cdktn.stringToHclTerraform(this._channel),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      connection_url: {
        value: cdktn.stringToHclTerraform(this._connectionUrl),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      copy_services_config_on_add: {
        value: cdktn.booleanToHclTerraform(this._copyServicesConfigOnAdd),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
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
      exclusive_members: {
        value: cdktn.booleanToHclTerraform(this._exclusiveMembers),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      name: {
        value: cdktn.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      properties: {
        value: cdktn.hashMapperHcl(cdktn.stringToHclTerraform)(this._properties),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      secrets_wo: {
        value: this.markWriteOnlyAttribute(cdktn.stringToHclTerraform(this._secretsWo)),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      server_type: {
        value: cdktn.stringToHclTerraform(this._serverType),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      servers: {
        value: cdktn.listMapperHcl(cdktn.stringToHclTerraform, false)(this._servers),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      services_config: {
        value: cdktn.stringToHclTerraform(this._servicesConfig),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      template: {
        value: cdktn.stringToHclTerraform(this._template),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      template_variables: {
        value: cdktn.hashMapperHcl(cdktn.stringToHclTerraform)(this._templateVariables),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      rolling_restart: {
        value: clusterRollingRestartToHclTerraform(this._rollingRestart.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "ClusterRollingRestart",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
