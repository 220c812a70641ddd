// The part of lzma-native (no published types) that the xz codec uses.
declare module 'lzma-native' {
  const lzma: { compress(input: Buffer, options: { preset: number }): Promise<Buffer> };
  export default lzma;
}
