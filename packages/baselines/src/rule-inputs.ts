/**
 * Learning a new task through its rule input only (Yang et al. 2019, Fig. 7: a pre-trained network learns a
 * held-out task by training only the connections from that task's rule unit): the rule column of W_in
 * learns, every other weight stays as it is.
 *
 * The engine trains whole tensors, so `ruleColumnsOnly` wraps a model that trains W_in and puts every other
 * column of W_in back after each step. Adam and element-wise gradient clipping act on each weight
 * separately, so the rule columns follow exactly the trajectory of training them alone (the put-back
 * columns see gradients but never move). With norm clipping this would not hold; the multitask strategy
 * only offers element-wise clipping.
 *
 * Tasks learned before keep their weights, and their noise-free trials give bit-identical outputs; with
 * input noise on, the noise on the new rule channel (every input channel is noisy, as in Yang et al.) now
 * passes through the new column, so their noisy outputs change slightly.
 */
import type { EngineModel, RnnParameters } from '@molap/backend';
import { InvalidValueError, MolapError } from '@molap/core';
import { resolveTaskOptions, type Task, type TaskOptions, taskRule } from '@molap/tasks';

/** The W_in column of each task's own rule unit; throws for a task without one. */
export function ruleInputColumns(tasks: readonly Task[], taskOptions: Partial<TaskOptions> = {}): number[] {
  return tasks.map((task) => {
    const options = resolveTaskOptions(task, { ...taskOptions, mode: 'random' });
    const group = task.layout(options).inputs.find((candidate) => candidate.role === 'rule');
    const index = options.rules.indexOf(taskRule(task));
    if (group === undefined || index < 0 || index >= group.size) {
      throw new MolapError(
        'incompatible',
        `task '${task.id}' has no rule input unit of its own (its rule list is ${options.rules.join(', ') || 'empty'})`,
        { hint: "learn it with newTaskWeights 'all', or add its id to the rules task option" },
      );
    }
    return group.start + index;
  });
}

/**
 * A view of `model` (which must train W_in) whose training steps change only the listed W_in columns:
 * after each step the other columns are put back to their values when the view was made.
 */
export function ruleColumnsOnly(model: EngineModel, columns: readonly number[]): EngineModel {
  if (!model.trainable.inputWeights) {
    throw new InvalidValueError('ruleColumnsOnly needs a model whose input weights train');
  }
  const { inputSize, hiddenSize } = model.config;
  for (const column of columns) {
    if (!(Number.isInteger(column) && column >= 0 && column < inputSize)) {
      throw new InvalidValueError(`input column ${column} is out of range: the network has ${inputSize} inputs`);
    }
  }
  const frozen = model.getParameters().inputWeights;
  const learning = new Uint8Array(inputSize);
  for (const column of columns) learning[column] = 1;
  const putBack = (weights: Float32Array) => {
    for (let row = 0; row < hiddenSize; row++) {
      for (let column = 0; column < inputSize; column++) {
        if (!learning[column]) weights[row * inputSize + column] = frozen[row * inputSize + column];
      }
    }
    return weights;
  };
  return {
    get config() {
      return model.config;
    },
    get trainable() {
      return model.trainable;
    },
    getParameters: () => model.getParameters(),
    setParameters: (parameters: Partial<RnnParameters>) => {
      model.setParameters(
        parameters.inputWeights
          ? { ...parameters, inputWeights: putBack(Float32Array.from(parameters.inputWeights)) }
          : parameters,
      );
    },
    forward: (batch, options) => model.forward(batch, options),
    gradients: async (batch, options) => {
      const result = await model.gradients(batch, options);
      const gradient = result.gradients.inputWeights;
      if (gradient) {
        for (let row = 0; row < hiddenSize; row++) {
          for (let column = 0; column < inputSize; column++) {
            if (!learning[column]) gradient[row * inputSize + column] = 0;
          }
        }
      }
      return result;
    },
    trainStep: async (batch, options) => {
      const loss = await model.trainStep(batch, options);
      model.setParameters({ inputWeights: putBack(model.getParameters().inputWeights) });
      return loss;
    },
    getOptimizerState: () => model.getOptimizerState(),
    setOptimizerState: (state) => model.setOptimizerState(state),
    dispose: () => model.dispose(),
  };
}
