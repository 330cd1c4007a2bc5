/** Name of this package, as published. */
export const PACKAGE_NAME = '@molap/study';

/** Version of `@molap/study` (the molap packages version together); kept in step with package.json by a test. */
export const PACKAGE_VERSION = '0.1.0';
