// The proof of work of core/challenge.py: find a counter such that sha256(token + counter) starts with `bits` zero
// bits. Used by the public complaint page and the app's complaint screen; no third-party service, no cookie.
function zeroBits(buffer) {
  const bytes = new Uint8Array(buffer);
  let count = 0;
  for (const byte of bytes) {
    if (byte === 0) { count += 8; continue; }
    return count + Math.clz32(byte) - 24;
  }
  return count;
}

export function canSolve() {
  return Boolean(globalThis.crypto && crypto.subtle && globalThis.TextEncoder);
}

export async function solve(token, bits) {
  const encoder = new TextEncoder();
  const batch = 512;
  for (let start = 0; ; start += batch) {
    const digests = await Promise.all(
      Array.from({ length: batch }, (_unused, i) => crypto.subtle.digest("SHA-256", encoder.encode(token + (start + i)))),
    );
    const found = digests.findIndex((digest) => zeroBits(digest) >= bits);
    if (found >= 0) return String(start + found);
  }
}
