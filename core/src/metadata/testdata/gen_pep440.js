// Generates pep440_node.tsv (next to this script, committed with it):
// version-like strings built from random pieces, and what @renovate/pep440
// 1.0.0 says about each under node. Run: node gen_pep440.js > pep440_node.tsv
// Columns: input, clean (or "-" when valid() is null), pre/post/dev flag,
// major, minor, patch.
const p = require("@renovate/pep440");
let seed = 13;
const rnd = n => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
const pick = a => a[rnd(a.length)];
const nums = ["0", "1", "2", "10", "007", "2020", "99999999999999999999"];
const seps = ["", "", "", ".", "-", "_"];
const words = ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "post", "rev", "r", "dev", "DEV", "Alpha", "x", "e"];
const locals = ["abc", "AbC", "7", "007", "1e3", "0x1f", "Infinity", "z9", ""];
const junk = ["", "", "", "", "", "+", "!", " ", "..", "-", "é"];
function one() {
  let s = pick(["", "", "", "v", "V"]);
  if (rnd(5) === 0) s += pick(nums) + "!";
  s += pick(nums);
  for (let i = rnd(4); i > 0; i--) s += "." + pick(nums);
  for (let i = rnd(3); i > 0; i--) s += pick(seps) + pick(words) + pick(seps) + (rnd(2) ? pick(nums) : "");
  if (rnd(3) === 0) s += "-" + pick(nums);
  if (rnd(3) === 0) { s += "+" + pick(locals); for (let i = rnd(3); i > 0; i--) s += pick([".", "-", "_"]) + pick(locals); }
  return s + pick(junk);
}
const seen = new Set();
const rows = [];
while (rows.length < 600) {
  const s = one();
  if (seen.has(s)) continue;
  seen.add(s);
  if (p.valid(s) === null) { rows.push(s + "\t-"); continue; }
  const e = p.explain(s);
  const flag = e.is_prerelease || e.is_postrelease || e.is_devrelease ? "1" : "0";
  rows.push([s, p.clean(s), flag, p.major(s), p.minor(s), p.patch(s)].join("\t"));
}
process.stdout.write(rows.join("\n") + "\n");
