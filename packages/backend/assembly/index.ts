// The native engine's WebAssembly kernels (AssemblyScript, SIMD128). Allocation-free: the host owns
// the memory layout and passes byte offsets into the shared linear memory.
export { noise } from './noise';
export { gemmNT } from './gemm';
export {
  activate,
  readout,
  backwardStep,
  fillRows,
  transpose,
  rowSums,
  sumSquares,
  scale,
  clipValue,
  addInto,
  adam,
} from './elementwise';

/** First byte after the module's static data: the host allocates from here upwards. */
export function heapBase(): usize {
  return __heap_base;
}
