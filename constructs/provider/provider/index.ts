// https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface OperationscenterProviderConfig {
  /**
  * Permit a plain http:// address (a local test server only). Default false.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#allow_http OperationscenterProvider#allow_http}
  */
  readonly allowHttp?: boolean | cdktf.IResolvable;
  /**
  * Client certificate for TLS client authentication: PEM text or the path of a PEM file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#client_certificate OperationscenterProvider#client_certificate}
  */
  readonly clientCertificate?: string;
  /**
  * Key of the client certificate: PEM text or the path of a PEM file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#client_key OperationscenterProvider#client_key}
  */
  readonly clientKey?: string;
  /**
  * The operations-center CLI configuration directory (default ~/.config/operations-center); relative to the directory Terraform runs in. OPERATIONS_CENTER_CONF overrides it.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#config_dir OperationscenterProvider#config_dir}
  */
  readonly configDir?: string;
  /**
  * How the configuration is written: "hcl" (the default) or "cdktf" (set by the OperationsCenter construct). Plan errors name attributes the same way, e.g. allow_recreate = true or allowRecreate: true.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#configuration_language OperationscenterProvider#configuration_language}
  */
  readonly configurationLanguage?: string;
  /**
  * Seconds a member may take to evacuate before its removal gives up. Default 1800.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#evacuation_timeout OperationscenterProvider#evacuation_timeout}
  */
  readonly evacuationTimeout?: number;
  /**
  * How many members one resource reads at once (a whole number from 1 to 64; default 4). Against Operations Center every member read is proxied to the IncusOS server, so a cluster's members are read side by side; Terraform runs up to -parallelism resources at once (default 10), so the provider allows 10 times this many requests in flight, and a read that another resource already made in the same command is shared, not sent again.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#max_parallel_reads OperationscenterProvider#max_parallel_reads}
  */
  readonly maxParallelReads?: number;
  /**
  * Remote of the operations-center CLI config.yml to use (default: its default_remote). OPERATIONS_CENTER_REMOTE overrides it.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#remote OperationscenterProvider#remote}
  */
  readonly remote?: string;
  /**
  * The server certificate to pin (trusted instead of the CA store): PEM text or the path of a PEM file.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#server_certificate OperationscenterProvider#server_certificate}
  */
  readonly serverCertificate?: string;
  /**
  * OIDC bearer token, instead of the token file an auth_type oidc remote keeps (oidc-tokens/<remote>.json, refreshed by the provider as the CLI does). Operations Center checks a bearer token before the client certificate: while one is sent, a trusted certificate is not considered.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#token OperationscenterProvider#token}
  */
  readonly token?: string;
  /**
  * Address of Operations Center, e.g. https://192.0.2.100:7443 (default: the remote's addr). OPERATIONS_CENTER_URL overrides it.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#url OperationscenterProvider#url}
  */
  readonly url?: string;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#alias OperationscenterProvider#alias}
  */
  readonly alias?: string;
  /**
  * retry block
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#retry OperationscenterProvider#retry}
  */
  readonly retry?: OperationscenterProviderRetry;
}
export interface OperationscenterProviderRetry {
  /**
  * Attempts of one request, the first included (1 turns retries off). A 5xx other than 503 on a read is retried at most 4 times. Default 15; at most 100.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#max_attempts OperationscenterProvider#max_attempts}
  */
  readonly maxAttempts?: number;
  /**
  * Seconds, the longest wait between two attempts (exponential backoff with full jitter from 0.2 s; a Retry-After is honoured up to this). Default 5; at most 300.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#max_backoff OperationscenterProvider#max_backoff}
  */
  readonly maxBackoff?: number;
  /**
  * Seconds, the most one request spends waiting between its attempts, including waiting for a restarting Operations Center to accept connections again (for which attempts are not counted). Default 60, which rides out a burst of failures at a rate of 0.5; at most 3600.
  *
  * Docs at Terraform Registry: {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#total_backoff OperationscenterProvider#total_backoff}
  */
  readonly totalBackoff?: number;
}

export function operationscenterProviderRetryToTerraform(struct?: OperationscenterProviderRetry | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    max_attempts: cdktf.numberToTerraform(struct!.maxAttempts),
    max_backoff: cdktf.numberToTerraform(struct!.maxBackoff),
    total_backoff: cdktf.numberToTerraform(struct!.totalBackoff),
  }
}


export function operationscenterProviderRetryToHclTerraform(struct?: OperationscenterProviderRetry | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    max_attempts: {
      value: cdktf.numberToHclTerraform(struct!.maxAttempts),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    max_backoff: {
      value: cdktf.numberToHclTerraform(struct!.maxBackoff),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    total_backoff: {
      value: cdktf.numberToHclTerraform(struct!.totalBackoff),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}


/**
* Represents a {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs operationscenter}
*/
export class OperationscenterProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "operationscenter";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a OperationscenterProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the OperationscenterProvider to import
  * @param importFromId The id of the existing OperationscenterProvider that should be imported. Refer to the {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the OperationscenterProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "operationscenter", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://oc-cdktf.invalid/providers/oc-cdktf/operationscenter/latest/docs operationscenter} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options OperationscenterProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: OperationscenterProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'operationscenter',
      terraformGeneratorMetadata: {
        providerName: 'operationscenter',
        providerVersionConstraint: '0.1.0'
      },
      terraformProviderSource: 'oc-cdktf.invalid/oc-cdktf/operationscenter'
    });
    this._allowHttp = config.allowHttp;
    this._clientCertificate = config.clientCertificate;
    this._clientKey = config.clientKey;
    this._configDir = config.configDir;
    this._configurationLanguage = config.configurationLanguage;
    this._evacuationTimeout = config.evacuationTimeout;
    this._maxParallelReads = config.maxParallelReads;
    this._remote = config.remote;
    this._serverCertificate = config.serverCertificate;
    this._token = config.token;
    this._url = config.url;
    this._alias = config.alias;
    this._retry = config.retry;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // allow_http - computed: false, optional: true, required: false
  private _allowHttp?: boolean | cdktf.IResolvable; 
  public get allowHttp() {
    return this._allowHttp;
  }
  public set allowHttp(value: boolean | cdktf.IResolvable | undefined) {
    this._allowHttp = value;
  }
  public resetAllowHttp() {
    this._allowHttp = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowHttpInput() {
    return this._allowHttp;
  }

  // client_certificate - computed: false, optional: true, required: false
  private _clientCertificate?: string; 
  public get clientCertificate() {
    return this._clientCertificate;
  }
  public set clientCertificate(value: string | undefined) {
    this._clientCertificate = value;
  }
  public resetClientCertificate() {
    this._clientCertificate = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get clientCertificateInput() {
    return this._clientCertificate;
  }

  // client_key - computed: false, optional: true, required: false
  private _clientKey?: string; 
  public get clientKey() {
    return this._clientKey;
  }
  public set clientKey(value: string | undefined) {
    this._clientKey = value;
  }
  public resetClientKey() {
    this._clientKey = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get clientKeyInput() {
    return this._clientKey;
  }

  // config_dir - computed: false, optional: true, required: false
  private _configDir?: string; 
  public get configDir() {
    return this._configDir;
  }
  public set configDir(value: string | undefined) {
    this._configDir = value;
  }
  public resetConfigDir() {
    this._configDir = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get configDirInput() {
    return this._configDir;
  }

  // configuration_language - computed: false, optional: true, required: false
  private _configurationLanguage?: string; 
  public get configurationLanguage() {
    return this._configurationLanguage;
  }
  public set configurationLanguage(value: string | undefined) {
    this._configurationLanguage = value;
  }
  public resetConfigurationLanguage() {
    this._configurationLanguage = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get configurationLanguageInput() {
    return this._configurationLanguage;
  }

  // evacuation_timeout - computed: false, optional: true, required: false
  private _evacuationTimeout?: number; 
  public get evacuationTimeout() {
    return this._evacuationTimeout;
  }
  public set evacuationTimeout(value: number | undefined) {
    this._evacuationTimeout = value;
  }
  public resetEvacuationTimeout() {
    this._evacuationTimeout = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get evacuationTimeoutInput() {
    return this._evacuationTimeout;
  }

  // max_parallel_reads - computed: false, optional: true, required: false
  private _maxParallelReads?: number; 
  public get maxParallelReads() {
    return this._maxParallelReads;
  }
  public set maxParallelReads(value: number | undefined) {
    this._maxParallelReads = value;
  }
  public resetMaxParallelReads() {
    this._maxParallelReads = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxParallelReadsInput() {
    return this._maxParallelReads;
  }

  // remote - computed: false, optional: true, required: false
  private _remote?: string; 
  public get remote() {
    return this._remote;
  }
  public set remote(value: string | undefined) {
    this._remote = value;
  }
  public resetRemote() {
    this._remote = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get remoteInput() {
    return this._remote;
  }

  // server_certificate - computed: false, optional: true, required: false
  private _serverCertificate?: string; 
  public get serverCertificate() {
    return this._serverCertificate;
  }
  public set serverCertificate(value: string | undefined) {
    this._serverCertificate = value;
  }
  public resetServerCertificate() {
    this._serverCertificate = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serverCertificateInput() {
    return this._serverCertificate;
  }

  // token - computed: false, optional: true, required: false
  private _token?: string; 
  public get token() {
    return this._token;
  }
  public set token(value: string | undefined) {
    this._token = value;
  }
  public resetToken() {
    this._token = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenInput() {
    return this._token;
  }

  // url - computed: false, optional: true, required: false
  private _url?: string; 
  public get url() {
    return this._url;
  }
  public set url(value: string | undefined) {
    this._url = value;
  }
  public resetUrl() {
    this._url = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get urlInput() {
    return this._url;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // retry - computed: false, optional: true, required: false
  private _retry?: OperationscenterProviderRetry; 
  public get retry() {
    return this._retry;
  }
  public set retry(value: OperationscenterProviderRetry | undefined) {
    this._retry = value;
  }
  public resetRetry() {
    this._retry = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get retryInput() {
    return this._retry;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      allow_http: cdktf.booleanToTerraform(this._allowHttp),
      client_certificate: cdktf.stringToTerraform(this._clientCertificate),
      client_key: cdktf.stringToTerraform(this._clientKey),
      config_dir: cdktf.stringToTerraform(this._configDir),
      configuration_language: cdktf.stringToTerraform(this._configurationLanguage),
      evacuation_timeout: cdktf.numberToTerraform(this._evacuationTimeout),
      max_parallel_reads: cdktf.numberToTerraform(this._maxParallelReads),
      remote: cdktf.stringToTerraform(this._remote),
      server_certificate: cdktf.stringToTerraform(this._serverCertificate),
      token: cdktf.stringToTerraform(this._token),
      url: cdktf.stringToTerraform(this._url),
      alias: cdktf.stringToTerraform(this._alias),
      retry: operationscenterProviderRetryToTerraform(this._retry),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      allow_http: {
        value: cdktf.booleanToHclTerraform(this._allowHttp),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      client_certificate: {
        value: cdktf.stringToHclTerraform(this._clientCertificate),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      client_key: {
        value: cdktf.stringToHclTerraform(this._clientKey),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      config_dir: {
        value: cdktf.stringToHclTerraform(this._configDir),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      configuration_language: {
        value: cdktf.stringToHclTerraform(this._configurationLanguage),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      evacuation_timeout: {
        value: cdktf.numberToHclTerraform(this._evacuationTimeout),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      max_parallel_reads: {
        value: cdktf.numberToHclTerraform(this._maxParallelReads),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      remote: {
        value: cdktf.stringToHclTerraform(this._remote),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      server_certificate: {
        value: cdktf.stringToHclTerraform(this._serverCertificate),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      token: {
        value: cdktf.stringToHclTerraform(this._token),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      url: {
        value: cdktf.stringToHclTerraform(this._url),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      retry: {
        value: operationscenterProviderRetryToHclTerraform(this._retry),
        isBlock: true,
        type: "struct",
        storageClassType: "OperationscenterProviderRetry",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
