/** Name of this package, as published. */
export const PACKAGE_NAME = '@molap/tasks';

/** Version of `@molap/tasks`; kept in step with package.json by a test. Plugins the starter writes peer on it. */
export const PACKAGE_VERSION = '0.1.0';
