/** `molap config show|schema`: the config a command would run with, and the JSON Schema of the file. */
import { commonOptions, defineCommand, projectOptions } from '../command.js';
import { openProject } from '../project.js';

export const configShow = defineCommand({
  words: ['config', 'show'],
  summary: 'print the config commands run with: molap.config.json with the --preset applied, as JSON',
  args: [],
  options: { ...projectOptions, ...commonOptions },
  examples: ['molap config show', 'molap config show --preset quick-check', 'molap config show --config other.json'],
  async run(input) {
    const { project, loaded } = await openProject(input);
    input.io.stdout(`${JSON.stringify(loaded.config, null, 2)}\n`);
    input.io.stderr(
      `project ${project.root}; config ${loaded.file ?? '(none)'}${loaded.preset ? `; preset ${loaded.preset}` : ''}${
        loaded.presets.length > 0 ? `; presets: ${loaded.presets.join(', ')}` : ''
      }\n`,
    );
  },
});

export const configSchema = defineCommand({
  words: ['config', 'schema'],
  summary: 'print the JSON Schema of molap.config.json (point "$schema" at a saved copy for editor hints)',
  args: [],
  options: { ...commonOptions },
  examples: ['molap config schema > molap.config.schema.json'],
  async run(input) {
    const [{ z }, { molapConfigSchema }] = await Promise.all([import('zod'), import('@molap/study')]);
    input.io.stdout(`${JSON.stringify(z.toJSONSchema(molapConfigSchema, { io: 'input' }), null, 2)}\n`);
  },
});

export const CONFIG_COMMANDS = [configShow, configSchema];
