export * from './engine.js';
export { fillNoise, noiseIndex, noiseSample } from './noise.js';
