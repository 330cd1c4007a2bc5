import { createTfjsEngine } from '../src/tfjs/engine.js';
import { describeEngineConformance } from './conformance.js';

describeEngineConformance('tfjs-cpu', () => createTfjsEngine({ backend: 'cpu' }));
describeEngineConformance('tfjs-wasm', () => createTfjsEngine({ backend: 'wasm' }));
