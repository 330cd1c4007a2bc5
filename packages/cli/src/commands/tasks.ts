/**
 * `molap tasks list|show|plot|export|doctor`: the task registry of the project (built-in Yang et al. 2019
 * tasks and discovered plugins), a task's description, one trial as SVG, a batch as `.npz`, and what plugin
 * discovery found. One file per command in `tasks/`.
 */
import { tasksDoctor } from './tasks/doctor.js';
import { tasksExport } from './tasks/export.js';
import { tasksList } from './tasks/list.js';
import { tasksPlot } from './tasks/plot.js';
import { tasksShow } from './tasks/show.js';

export const TASKS_COMMANDS = [tasksList, tasksShow, tasksPlot, tasksExport, tasksDoctor];
