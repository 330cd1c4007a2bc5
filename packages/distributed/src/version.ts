/** Name of this package, as published. */
export const PACKAGE_NAME = '@molap/distributed';

/** Version of `@molap/distributed` (the molap packages version together); kept in step with package.json by a test. */
export const PACKAGE_VERSION = '0.1.0';
