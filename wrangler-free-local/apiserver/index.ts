// Public surface of the embedded Kubernetes API server.

export { startApiServer, type ApiServer, type ApiServerOptions } from './api-server.ts';
export { buildKubeConfig, writeKubeconfig, type ClusterAccess } from './kubeconfig.ts';
export type { FaultConfig, FaultRule, FaultInjector } from './fault-injector.ts';
export type { ObjectStore, StoreEvent, StoredObject, StoreListener } from './object-store.ts';
