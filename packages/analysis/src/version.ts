/** Name of this package, as published. */
export const PACKAGE_NAME = '@molap/analysis';

/** Version of `@molap/analysis`; kept in step with package.json by a test. */
export const PACKAGE_VERSION = '0.1.0';
