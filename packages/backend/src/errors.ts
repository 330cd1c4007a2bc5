/**
 * The brand of molap errors (`Symbol.for('molap.error')`): errors carrying it, with a `code`, a `problem`,
 * a `hint` and a `kind`, are recognised by `isMolapError` of @molap/core whatever copy or build of a package
 * threw them (this package sits below @molap/core, so it brands its errors itself).
 */
export const MOLAP_ERROR_BRAND: unique symbol = Symbol.for('molap.error') as never;
