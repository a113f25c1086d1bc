variable "edge_certificate" {
  description = "PEM certificate the edge cluster presents"
  type        = string
}

variable "edge_private_key" {
  description = "PEM private key of that certificate"
  type        = string
  sensitive   = true
}

resource "operationscenter_cluster_certificate" "edge" {
  cluster     = "edge"
  certificate = var.edge_certificate
  private_key = var.edge_private_key
}
