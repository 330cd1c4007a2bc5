/** Name of this package, as published. */
export const PACKAGE_NAME = '@molap/baselines';
