import { createNativeEngine } from '../src/native/engine.js';
import { describeEngineConformance } from './conformance.js';

describeEngineConformance('native (wasm SIMD, 1 thread)', () => createNativeEngine({ simd: true, threads: 1 }));
describeEngineConformance('native (wasm SIMD, 2 threads)', () => createNativeEngine({ simd: true, threads: 2 }));
describeEngineConformance('native (plain-JS fallback)', () => createNativeEngine({ simd: false }));
