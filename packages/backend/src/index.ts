export * from './engine.js';
export { createNativeEngine, type NativeEngine, type NativeEngineOptions } from './native/engine.js';
export { fillNoise, noiseIndex, noiseSample } from './noise.js';
