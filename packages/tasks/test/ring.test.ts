import { describe, expect, it } from 'vitest';
import {
  addStimulusBump,
  circularDistance,
  populationVector,
  ringBump,
  ringPreferredDirections,
  TWO_PI,
  wrapAngle,
  writeRingTarget,
} from '../src/index.js';

const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

describe('ring encodings (spec §1.2 constants)', () => {
  it('has preferred directions i·2π/N starting at 0', () => {
    const pref = ringPreferredDirections(32);
    expect(pref[0]).toBe(0);
    expect(pref[8]).toBeCloseTo(Math.PI / 2, 15);
    expect(pref).toHaveLength(32);
  });

  it('measures circular distance in [0, π]', () => {
    expect(circularDistance(0.1, TWO_PI - 0.1)).toBeCloseTo(0.2, 14);
    expect(circularDistance(0, Math.PI)).toBeCloseTo(Math.PI, 15);
    expect(circularDistance(1, 1 + 4 * Math.PI)).toBeCloseTo(0, 12);
    expect(wrapAngle(-0.5)).toBeCloseTo(TWO_PI - 0.5, 15);
    expect(wrapAngle(7)).toBeCloseTo(7 - TWO_PI, 15);
  });

  it('gives the bump sums 4.010605 and 2.268741 for every location, peak 0.8 and 0.775386', () => {
    for (let k = 0; k < 50; k++) {
      const angle = (k * TWO_PI) / 50 + 0.013;
      const bump = ringBump(angle, 32);
      expect(sum(bump)).toBeCloseTo(4.010605, 6);
      expect(sum(bump.map((v) => v * v))).toBeCloseTo(2.268741, 6);
    }
    expect(Math.max(...ringBump(0, 32))).toBe(0.8);
    expect(Math.max(...ringBump(Math.PI / 32, 32))).toBeCloseTo(0.8 * Math.exp(-1 / 32), 12); // 0.775387
    expect(sum(ringBump(0.3, 16))).toBeCloseTo(2.005303, 6);
    expect(sum(ringBump(0.3, 32, 1.5))).toBeCloseTo(1.5 * 4.010605, 6);
  });

  it('adds stimuli (superposition) and writes targets of sum 5.610605', () => {
    const row = new Float32Array(40);
    addStimulusBump(row, 3, 32, 1.2, 1);
    addStimulusBump(row, 3, 32, 1.2 + Math.PI, 0.5);
    expect(row[0] + row[1] + row[2] + row[35]).toBe(0);
    expect(sum(row)).toBeCloseTo(1.5 * 4.010605, 5);
    const target = new Float32Array(33);
    writeRingTarget(target, 1, 32, 2);
    expect(target[0]).toBe(0);
    expect(sum(target)).toBeCloseTo(5.610605, 5);
  });

  it('decodes the ideal target with the population vector', () => {
    for (const angle of [0, 0.3, 2, Math.PI, 5.5, TWO_PI - 1e-3]) {
      const target = new Float32Array(33);
      writeRingTarget(target, 1, 32, angle);
      const decoded = populationVector(target, 1, 32);
      expect(circularDistance(decoded, angle)).toBeLessThan(1e-6);
      const exact = Float64Array.from(ringBump(angle, 32), (v) => v + 0.05);
      expect(circularDistance(populationVector(exact, 0, 32), angle)).toBeLessThan(1e-14);
    }
  });
});
