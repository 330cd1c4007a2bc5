export { type CliIo, ExitCode, main } from './main.js';
export { PACKAGE_VERSION } from './version.js';
