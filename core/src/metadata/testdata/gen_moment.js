// Generates moment_node.jsonl (next to this script, committed with it): for
// instants x zones x format strings, what moment 2.30.1 with moment-timezone
// 0.6.2 prints for moment(new Date(ms)).tz(zone).format(fmt) — the call of
// metadata-action's date helpers. Each line: [ms, utcOffset, zoneAbbr, fmt, out].
// Run: node gen_moment.js > moment_node.jsonl
const moment = require("moment-timezone");
const instants = [
  "2020-01-10T00:30:00.000Z", // reference §9's frozen now
  "2021-01-01T05:06:07.089Z", // a Friday: ISO week 53 of 2020, locale week 1 of 2021
  "2019-12-30T23:59:59.999Z", // a Monday: ISO week 1 of 2020
  "2024-02-29T12:00:00.001Z",
  "2022-01-01T00:00:00.000Z", // a Saturday: locale week 1, ISO week 52 of 2021
  "2027-01-03T13:45:30.500Z",
  "2026-12-31T23:00:00.010Z",
  "1970-01-01T00:00:00.000Z",
  "1969-12-31T23:59:59.999Z",
  "2000-03-01T11:59:59.000Z",
  "2011-11-13T21:13:03.123Z",
];
const oldInstants = [ // UTC only: moment-timezone uses fractional LMT offsets there
  "0001-01-01T00:00:00.000Z", "0000-12-31T12:00:00.000Z", "-000001-06-15T08:00:00.000Z",
  "0099-07-04T00:00:00.000Z", "+010000-01-01T00:00:00.000Z", "+275760-09-13T00:00:00.000Z",
];
const zones = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu", "Europe/Berlin"];
const tokens = ("YYYY YY Y YYYYY YYYYYY YYY M MM MMM MMMM MMMMM Mo D DD Do DDD DDDD DDDo DDo d do dd ddd dddd " +
  "e E w ww wo W WW Wo gg ggg gggg ggggg GG GGG GGGG GGGGG Q Qo H HH h hh k kk m mm s ss " +
  "S SS SSS SSSS SSSSS SSSSSS SSSSSSS SSSSSSSS SSSSSSSSS SSSSSSSSSS a A Z ZZ z zz X x " +
  "N NN NNN NNNN NNNNN NNNNNN y yo yy yyy yyyy yyyyy Hmm Hmmss hmm hmmss HHmm " +
  "LT LTS L LL LLL LLLL LLLLL l ll lll llll").split(" ");
const formats = tokens.concat([
  "YYYYMMDD", "YYYYMMDD-HHmm", "YYYY=MM", "YYYY-MM-DDTHH:mm:ss.SSSZ", "[Today is] dddd",
  "[a]b]c", "[a[b]c]", "[unclosed", "]", "[]", "\\YYYY", "\\[YYYY]", "\\\\YYYY", "YYYY\\", "\\",
  "w|", "W|", "wo|", "YYYY\nMM", "a\r\nb", "[x\ny]", "\\\nY", "fFiIjJbBcCnOpPrRtTuUvV", "gG",
  "[LT] \\LT LT", "\\LLL", "L[L]L", "llll [llll] \\llll", "Héllo 😀 YYYY", "MMMM Do YYYY, h:mm:ss a",
  "GGGG-[W]WW-E", "gggg-[w]ww-e", "x X", "Do Mo DDDo do wo Wo Qo yo", "ZZ Z z",
]);
const lines = [];
function add(ms, zone, fmt) {
  const m = moment(new Date(ms)).tz(zone);
  lines.push(JSON.stringify([ms, m.utcOffset(), m.format("z"), fmt, m.format(fmt)]));
}
for (const t of instants) for (const f of formats) { add(Date.parse(t), "UTC", f); add(Date.parse(t), "America/New_York", f); }
for (const t of instants.slice(0, 4)) for (const z of zones.slice(2)) for (const f of tokens) add(Date.parse(t), z, f);
for (const t of oldInstants) for (const f of formats) add(Date.parse(t), "UTC", f);
process.stdout.write(lines.join("\n") + "\n");
