// Preloaded into a benchmarked command (`node --require`): reports its peak resident set size on
// stderr at exit, so the benchmark can print it without any platform tool such as /usr/bin/time.
process.on('exit', () => {
  process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
