/** Names the config schema and the commands share, without loading the schema library. */

/** Config values that are file paths: relative to the config file's folder in the file, to the cwd in flags. */
export const PATH_KEYS: readonly (readonly string[])[] = [
  ['compare', 'out'],
  ['run', 'out'],
];

/** Default file name, looked up in the project folder. */
export const CONFIG_FILE_NAME = 'molap.config.json';
