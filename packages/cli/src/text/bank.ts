/** The progress of `molap pretrain`: each step of building the bank, and the pre-training's share done and ETA. */
import { DEFAULT_LATENT_COUNT, resolveModuleTraining } from '@molap/primitives';
import { type BankEvent, formatSeconds, type StudyPlan } from '@molap/study';
import type { Progress } from '../progress.js';

/** The handler of the bank events of `pretrainBankInto` for a plan, showing them on `progress`. */
export function bankProgress(plan: StudyPlan, progress: Progress): (event: BankEvent) => void {
  const k = (plan.bank.latents.k as number | undefined) ?? DEFAULT_LATENT_COUNT;
  const { steps } = resolveModuleTraining(plan.bank.training, plan.bank.preset);
  const moduleSteps = new Map<number, number>();
  let started = 0;
  return (event) => {
    progress.event(event);
    if (event.type === 'bank-start') {
      started = performance.now();
      progress.status(event.step === 'pretrain' ? `pre-train ${k} modules` : event.step);
    } else if (event.type === 'bank-end') {
      progress.step(`${event.step}: ${event.detail} in ${formatSeconds(event.seconds)}`);
    } else if (event.progress.type === 'loss' || event.progress.type === 'module-end') {
      moduleSteps.set(event.progress.module, event.progress.type === 'loss' ? event.progress.step : steps);
      const fraction = [...moduleSteps.values()].reduce((sum, n) => sum + n, 0) / (k * steps || 1);
      const elapsed = (performance.now() - started) / 1000;
      const left = fraction > 0.02 ? `, about ${formatSeconds((elapsed * (1 - fraction)) / fraction)} left` : '';
      progress.status(`pre-train ${k} modules: ${Math.round(fraction * 100)} %${left}`);
    }
  };
}
