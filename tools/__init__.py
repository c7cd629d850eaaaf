"""Tools around the hub, not part of what its services run on: the operator CLI
(`crossdock`), topic provisioning, the Kubernetes topic manifests and the AsyncAPI
documents. Unlike `shared/`, a tool may know the services (AsyncAPI reads their
subscriptions)."""
