// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface ClusterTemplateConfig extends cdktn.TerraformMetaArguments {
  /**
  * The application config (Incus preseed) template (YAML or JSON text; Operations Center's application_config_template). `@NAME@` placeholders (letters, digits, `_`) are replaced as raw text when a cluster is created from the template. Unset: "" (an empty application config).
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template#application_config ClusterTemplate#application_config}
  */
  readonly applicationConfig?: string;
  /**
  * Free-text description stored with the template. Default "".
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template#description ClusterTemplate#description}
  */
  readonly description?: string;
  /**
  * Name of the template in Operations Center (case-sensitive; not empty, none of \ / : * ? " < > |). A change renames the template in place.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template#name ClusterTemplate#name}
  */
  readonly name: string;
  /**
  * The IncusOS services config template (YAML or JSON text; Operations Center's service_config_template). `@NAME@` placeholders (letters, digits, `_`) are replaced as raw text when a cluster is created from the template.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template#services_config ClusterTemplate#services_config}
  */
  readonly servicesConfig: string;
  /**
  * The template variables by name, each `{ description = "…", default = "…" }` (both optional strings; unset is "", none). Each must be used as `@NAME@` in a template and each placeholder must be defined here. An empty default makes the variable required: every cluster created from the template must give it a value. A variable that fills a secret field must have an empty default.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template#variables ClusterTemplate#variables}
  */
  readonly variables?: { [key: string]: ClusterTemplateVariables } | cdktn.IResolvable;
}
export interface ClusterTemplateVariables {
  /**
  * The value a cluster gets when it gives none; empty makes the variable required. Unset: "".
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template#default ClusterTemplate#default}
  */
  readonly default?: string;
  /**
  * What the variable is for. Unset: "".
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template#description ClusterTemplate#description}
  */
  readonly description?: string;
}

export function clusterTemplateVariablesToTerraform(struct?: ClusterTemplateVariables | cdktn.IResolvable): any {
  if (!cdktn.canInspect(struct) || cdktn.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktn.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdktn.io/docs/concepts/resources#references");
  }
  return {
    default: cdktn.stringToTerraform(struct!.default),
    description: cdktn.stringToTerraform(struct!.description),
  }
}


export function clusterTemplateVariablesToHclTerraform(struct?: ClusterTemplateVariables | cdktn.IResolvable): any {
  if (!cdktn.canInspect(struct) || cdktn.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktn.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdktn.io/docs/concepts/resources#references");
  }
  const attrs = {
    default: {
      value: cdktn.stringToHclTerraform(struct!.default),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    description: {
      value: cdktn.stringToHclTerraform(struct!.description),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ClusterTemplateVariablesOutputReference extends cdktn.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktn.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectKey the key of this item in the map
  */
  public constructor(terraformResource: cdktn.IInterpolatingParent, terraformAttribute: string, complexObjectKey: string) {
    super(terraformResource, terraformAttribute, false, complexObjectKey);
  }

  public get internalValue(): ClusterTemplateVariables | cdktn.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._default !== undefined) {
      hasAnyValues = true;
      internalValueResult.default = this._default;
    }
    if (this._description !== undefined) {
      hasAnyValues = true;
      internalValueResult.description = this._description;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ClusterTemplateVariables | cdktn.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._default = undefined;
      this._description = undefined;
    }
    else if (cdktn.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._default = value.default;
      this._description = value.description;
    }
  }

  // default - computed: false, optional: true, required: false
  private _default?: string; 
  public get default() {
    return this.getStringAttribute('default');
  }
  public set default(value: string) {
    this._default = value;
  }
  public resetDefault() {
    this._default = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get defaultInput() {
    return this._default;
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
}

export class ClusterTemplateVariablesMap extends cdktn.ComplexMap {
  public internalValue? : { [key: string]: ClusterTemplateVariables } | cdktn.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  constructor(terraformResource: cdktn.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute);
  }

  /**
  * @param key the key of the item to return
  */
  public get(key: string): ClusterTemplateVariablesOutputReference {
    return new ClusterTemplateVariablesOutputReference(this.terraformResource, this.terraformAttribute, key);
  }
}

/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template operationscenter_cluster_template}
*/
export class ClusterTemplate extends cdktn.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter_cluster_template";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTN code for importing a ClusterTemplate resource upon running "cdktn plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ClusterTemplate to import
  * @param importFromId The id of the existing ClusterTemplate that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ClusterTemplate to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktn.TerraformProvider) {
        return new cdktn.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter_cluster_template", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs/resources/cluster_template operationscenter_cluster_template} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ClusterTemplateConfig
  */
  public constructor(scope: Construct, id: string, config: ClusterTemplateConfig) {
    super(scope, id, {
      terraformResourceType: 'operationscenter_cluster_template',
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
    this._applicationConfig = config.applicationConfig;
    this._description = config.description;
    this._name = config.name;
    this._servicesConfig = config.servicesConfig;
    this._variables.internalValue = config.variables;
  }

  // ==========
  // ATTRIBUTES
  // ==========

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

  // services_config - computed: false, optional: false, required: true
  private _servicesConfig?: string; 
  public get servicesConfig() {
    return this.getStringAttribute('services_config');
  }
  public set servicesConfig(value: string) {
    this._servicesConfig = value;
  }
  // Temporarily expose input value. Use with caution.
  public get servicesConfigInput() {
    return this._servicesConfig;
  }

  // variables - computed: false, optional: true, required: false
  private _variables = new ClusterTemplateVariablesMap(this, "variables");
  public get variables() {
    return this._variables;
  }
  public putVariables(value: { [key: string]: ClusterTemplateVariables } | cdktn.IResolvable) {
    this._variables.internalValue = value;
  }
  public resetVariables() {
    this._variables.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get variablesInput() {
    return this._variables.internalValue;
  }

  // variables_in_use - computed: true, optional: false, required: false
  public get variablesInUse() {
    return this.getListAttribute('variables_in_use');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      application_config: cdktn.stringToTerraform(this._applicationConfig),
      description: cdktn.stringToTerraform(this._description),
      name: cdktn.stringToTerraform(this._name),
      services_config: cdktn.stringToTerraform(this._servicesConfig),
      variables: cdktn.hashMapper(clusterTemplateVariablesToTerraform)(this._variables.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      application_config: {
        value: cdktn.stringToHclTerraform(this._applicationConfig),
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
      name: {
        value: cdktn.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      services_config: {
        value: cdktn.stringToHclTerraform(this._servicesConfig),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      variables: {
        value: cdktn.hashMapperHcl(clusterTemplateVariablesToHclTerraform)(this._variables.internalValue),
        isBlock: true,
        type: "map",
        storageClassType: "ClusterTemplateVariablesMap",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
