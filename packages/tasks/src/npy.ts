/**
 * The NumPy `.npy` format (version 1.0 written; 1.0, 2.0 and 3.0 read) for the few dtypes batches use.
 * Arrays are C order (row-major); numbers little-endian.
 */

import { TasksError } from './errors.js';

/** One array as stored in a `.npy` file. Strings are NumPy unicode (`<U`) arrays. */
export type NpyArray =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'float64'; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: 'int32'; readonly shape: readonly number[]; readonly data: Int32Array }
  | { readonly dtype: 'string'; readonly shape: readonly number[]; readonly data: readonly string[] };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** NumPy aligns the data start (10-byte preamble + header) to 64 bytes. */
const ALIGNMENT = 64;
const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

const NUMERIC = {
  float32: { descr: '<f4', size: 4 },
  float64: { descr: '<f8', size: 8 },
  int32: { descr: '<i4', size: 4 },
} as const;

const elementCount = (shape: readonly number[]) => shape.reduce((product, size) => product * size, 1);

/** `(3, 4)`, `(5,)` or `()`, as Python writes tuples. */
const shapeTuple = (shape: readonly number[]) => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);

function header(descr: string, shape: readonly number[]): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  const unpadded = 10 + dict.length + 1;
  const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
  const text = `${dict}${' '.repeat(padding)}\n`;
  if (text.length > 0xffff) {
    throw new TasksError('invalid-option', `npy header of ${text.length} bytes does not fit version 1.0`);
  }
  const bytes = new Uint8Array(10 + text.length);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  bytes[8] = text.length & 0xff;
  bytes[9] = text.length >> 8;
  for (let i = 0; i < text.length; i++) bytes[10 + i] = text.charCodeAt(i);
  return bytes;
}

/** Writes a numeric typed array little-endian into `out` at byte `offset`. */
function writeLittleEndian(data: Float32Array | Float64Array | Int32Array, out: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, data.byteLength);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i], true);
    else if (data instanceof Float64Array) view.setFloat64(i * 8, data[i], true);
    else view.setInt32(i * 4, data[i], true);
  }
}

/** Encodes one array as a `.npy` (version 1.0) file: header and data in one buffer. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = elementCount(array.shape);
  if (array.shape.some((size) => !Number.isInteger(size) || size < 0)) {
    throw new TasksError(
      'invalid-option',
      `npy shape must hold non-negative integers, got [${array.shape.join(', ')}]`,
    );
  }
  if (array.data.length !== count) {
    throw new TasksError(
      'invalid-option',
      `npy data has ${array.data.length} elements, shape [${array.shape.join(', ')}] needs ${count}`,
    );
  }
  if (array.dtype !== 'string') {
    const head = header(NUMERIC[array.dtype].descr, array.shape);
    const file = new Uint8Array(head.length + array.data.byteLength);
    file.set(head, 0);
    writeLittleEndian(array.data, file, head.length);
    return file;
  }
  const codePoints = array.data.map((text) => Array.from(text, (char) => char.codePointAt(0)!));
  const width = Math.max(1, ...codePoints.map((points) => points.length));
  const head = header(`<U${width}`, array.shape);
  const file = new Uint8Array(head.length + count * width * 4);
  file.set(head, 0);
  const view = new DataView(file.buffer, head.length);
  codePoints.forEach((points, i) => {
    for (let j = 0; j < points.length; j++) view.setUint32((i * width + j) * 4, points[j], true);
  });
  return file;
}

/** A `.npy` the reader cannot use: 'file-format' (damaged or unsupported content) or 'file-version'. */
const fail = (name: string, problem: string, code: 'file-format' | 'file-version' = 'file-format'): never => {
  throw new TasksError(code, `${name}: ${problem}`);
};

/** Reads the header dict NumPy writes: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. */
function parseHeader(text: string, name: string) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail(name, `not a NumPy header: ${text.trim()}`);
  }
  if (fortran === 'True') fail(name, 'Fortran-order arrays are not supported: save with np.ascontiguousarray(a)');
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => Number(part.replace(/L$/, '')));
  if (shape.some((size) => !Number.isInteger(size) || size < 0)) fail(name, `bad shape (${shapeText})`);
  return { descr, shape };
}

/**
 * Decodes one `.npy` file. Reads float32/float64/int32/int64 (little-endian or single-byte order) and
 * unicode strings; int64 values must fit in int32.
 * @param name used in error messages (the entry name in an `.npz`).
 */
export function decodeNpy(bytes: Uint8Array, name = 'npy'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) fail(name, 'not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(name, `unsupported .npy version ${major}.${bytes[7]}`, 'file-version');
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  );
  const { descr, shape } = parseHeader(text, name);
  const count = elementCount(shape);
  const dataStart = headerStart + headerLength;
  const order = descr[0];
  const kind = descr.slice(1);
  if (order === '>') fail(name, `big-endian dtype ${descr} is not supported: save with a.astype('<${kind}')`);
  const itemSize = kind.startsWith('U') ? 4 * Number(kind.slice(1)) : Number(kind.slice(1));
  if (dataStart + count * itemSize > bytes.length) {
    fail(name, `truncated: shape (${shape.join(', ')}) of ${descr} needs ${count * itemSize} data bytes`);
  }
  const read = <T>(size: number, get: (offset: number) => T): T[] =>
    Array.from({ length: count }, (_, i) => get(dataStart + i * size));
  /** Numeric data: a straight copy on little-endian hosts, element by element otherwise. */
  const numeric = <A extends Float32Array | Float64Array | Int32Array>(
    Type: { new (buffer: ArrayBuffer): A; from(values: number[]): A },
    size: number,
    get: (offset: number) => number,
  ): A =>
    LITTLE_ENDIAN_HOST ? new Type(bytes.slice(dataStart, dataStart + count * size).buffer) : Type.from(read(size, get));
  switch (kind) {
    case 'f4':
      return { dtype: 'float32', shape, data: numeric(Float32Array, 4, (at) => view.getFloat32(at, true)) };
    case 'f8':
      return { dtype: 'float64', shape, data: numeric(Float64Array, 8, (at) => view.getFloat64(at, true)) };
    case 'i4':
      return { dtype: 'int32', shape, data: numeric(Int32Array, 4, (at) => view.getInt32(at, true)) };
    case 'i8': {
      const values = read(8, (at) => view.getBigInt64(at, true));
      const outside = values.find((value) => value > 2147483647n || value < -2147483648n);
      if (outside !== undefined) fail(name, `int64 value ${outside} does not fit in int32`);
      return { dtype: 'int32', shape, data: Int32Array.from(values, Number) };
    }
    default: {
      if (!kind.startsWith('U')) {
        return fail(name, `dtype ${descr} is not supported (use float32, float64, int32, int64 or unicode strings)`);
      }
      const width = Number(kind.slice(1));
      const data = read(itemSize, (at) => {
        const points: number[] = [];
        for (let j = 0; j < width; j++) {
          const point = view.getUint32(at + 4 * j, true);
          if (point === 0) break;
          points.push(point);
        }
        return String.fromCodePoint(...points);
      });
      return { dtype: 'string', shape, data };
    }
  }
}
