// Prints the Playwright run's totals as one plain closing line.
const { stats } = require("./test-results/results.json");
console.log(`end-to-end: ${stats.expected} passed, ${stats.unexpected} failed, ${stats.skipped} skipped`);
process.exit(stats.unexpected > 0 ? 1 : 0);
