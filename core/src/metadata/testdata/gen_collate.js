// Generates collate_node.txt (next to this script, committed with it): 400
// random ASCII keys, one per line, in the order Node's
// String.prototype.localeCompare (ICU, en-US) sorts them.
// Run: node gen_collate.js > collate_node.txt
let seed = 12;
const rnd = n => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
const alphabet = "abcABCxyzXYZoO0123456789._-/:=@ ";
const keys = new Set();
while (keys.size < 400) {
  let k = "";
  for (let i = 1 + rnd(8); i > 0; i--) k += alphabet[rnd(alphabet.length)];
  keys.add(k);
  // A case or punctuation variant of the same key, to exercise the tie-breaks.
  if (rnd(3) === 0) keys.add(k.replace(/[a-z]/, c => c.toUpperCase()));
  if (rnd(4) === 0) keys.add(k + alphabet[rnd(alphabet.length)]);
}
const sorted = [...keys].sort((a, b) => a.localeCompare(b));
process.stdout.write(sorted.join("\n") + "\n");
