/** The API group and version of every Kubernaut custom resource. */
export const GROUP = 'kubernaut.ai';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** The label every object the dispatcher creates carries, so informers can select them. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kubernaut-dispatcher';
