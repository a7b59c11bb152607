/**
 * The few pieces of the WebAssembly binary format (core spec 1.0) that compiled-wasm.ts needs:
 * LEB128 integers, vectors, sections and opcodes. Bytes only: callers pass validated integers.
 */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32GeS: 0x4e,
  f64Ge: 0x66,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Add: 0xa0,
  f64Div: 0xa3,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const

export const BLOCK_VOID = 0x40
export const I32 = 0x7f
export const F64 = 0x7c

export function unsigned(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`wasm: bad u32 ${n}`)
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n = Math.floor(n / 128)
    if (n !== 0) byte |= 0x80
    out.push(byte)
  } while (n !== 0)
  return out
}

export function signed(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new Error(`wasm: bad i32 ${n}`)
  const out: number[] = []
  for (;;) {
    const byte = n & 0x7f
    n >>= 7
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)
    out.push(done ? byte : byte | 0x80)
    if (done) return out
  }
}

export function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()]
}

export function section(id: number, body: number[]): number[] {
  return [id, ...unsigned(body.length), ...body]
}

export function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s))
  return [...unsigned(bytes.length), ...bytes]
}

/** A module with one memory (exported as "mem", minPages) and one function (exported as "run"). */
export function moduleBytes(
  params: number[],
  locals: { count: number; type: number }[],
  body: number[],
  minPages: number,
): Uint8Array<ArrayBuffer> {
  const type = section(1, vector([[0x60, ...vector(params.map((p) => [p])), 0]]))
  const func = section(3, vector([unsigned(0)]))
  const memory = section(5, vector([[0x00, ...unsigned(minPages)]]))
  const exports = section(
    7,
    vector([
      [...name('mem'), 0x02, 0],
      [...name('run'), 0x00, 0],
    ]),
  )
  const localDecls = vector(locals.map((l) => [...unsigned(l.count), l.type]))
  const code = [...localDecls, ...body, Op.end]
  const codeSection = section(10, vector([[...unsigned(code.length), ...code]]))
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...type,
    ...func,
    ...memory,
    ...exports,
    ...codeSection,
  ])
}
