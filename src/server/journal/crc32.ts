/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial), table-driven. The journal uses it to detect torn
 * and corrupted records: a CRC catches every burst error up to 32 bits and random damage with
 * probability 1 - 2^-32, costs a table lookup per byte, and needs 4 bytes per record. The
 * records are not protected against a deliberate forger (who can write the files anyway), so a
 * cryptographic hash would only add cost. `zlib.crc32` would do the same but is missing before
 * Node 20.15.
 */

const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** The CRC-32 of `bytes`, continuing from `crc` (the CRC of the bytes before them) when given. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
