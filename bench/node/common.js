'use strict'
// Shared by the Node benchmarks: result records, order statistics, emulator counters, and
// the package under test (RR_NODE_PACKAGE: the release build bench/run.sh lays out).

function emit(key, round, metrics) {
  process.stdout.write(JSON.stringify({ key, round, metrics }) + '\n')
}

function median(v) {
  if (!v.length) return 0
  const s = [...v].sort((a, b) => a - b)
  const n = s.length
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

function percentile(v, p) {
  if (!v.length) return 0
  const s = [...v].sort((a, b) => a - b)
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)))
  return s[rank - 1]
}

function args() {
  const out = {}
  const a = process.argv.slice(2)
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith('--')) {
      const next = a[i + 1]
      if (next === undefined || next.startsWith('--')) out[a[i].slice(2)] = true
      else out[a[i].slice(2)] = a[++i]
    }
  }
  return out
}

async function emulatorRequests(endpoint) {
  const r = await fetch(endpoint + '/_emulator/stats')
  return (await r.json()).requests
}

// Peak resident set of this process, in MiB (maxRSS is KiB).
function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024
}

function loadPackage() {
  return require(process.env.RR_NODE_PACKAGE || 'remote-rendering')
}

module.exports = { emit, median, percentile, args, emulatorRequests, peakRssMiB, loadPackage }
