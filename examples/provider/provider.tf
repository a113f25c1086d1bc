terraform {
  required_providers {
    operationscenter = {
      source  = "oc-cdktf.invalid/oc-cdktf/operationscenter"
      version = "0.1.0"
    }
  }
}

# Credentials come from the operations-center CLI configuration (~/.config/operations-center,
# or $OPERATIONS_CENTER_CONF): its default remote, or the one named here.
provider "operationscenter" {
  remote = "prod"
}
