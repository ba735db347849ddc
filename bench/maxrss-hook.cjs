// Loaded with `node --require` by bench/check-all.mjs: on exit, writes the process's peak resident set
// size (kilobytes, process.resourceUsage().maxRSS) to the file named by BENCH_MAXRSS_FILE.
const file = process.env.BENCH_MAXRSS_FILE;
if (file) process.on('exit', () => require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS)));
