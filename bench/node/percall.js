'use strict'
// get_session latency and sequential throughput of the Node package against a running emulator:
//   node percall.js --endpoint URL --account-id ID --account-key KEY [--calls N --warmup N --round R]
// One run, one JSON record; bench/run.sh repeats the runs and interleaves the languages.
const { emit, median, percentile, args, loadPackage } = require('./common')

async function main() {
  const a = args()
  const { RemoteRenderingClient } = loadPackage()
  const client = new RemoteRenderingClient({
    accountId: a['account-id'],
    accountDomain: '127.0.0.1',
    endpoint: a.endpoint,
    stsEndpoint: a.endpoint,
    credential: { accountKey: a['account-key'] },
  })
  const calls = Number(a.calls ?? 2000)
  const warmup = Number(a.warmup ?? 200)
  const session = a.session ?? 'bench-session'
  await client.startSession(session, 'Standard', 60)
  for (let i = 0; i < warmup; i++) await client.getSession(session)
  const lat = new Array(calls)
  const u0 = process.resourceUsage()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint()
    await client.getSession(session)
    lat[i] = Number(process.hrtime.bigint() - t) / 1e3
  }
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9
  const u1 = process.resourceUsage()
  const cpu = (u) => u.userCPUTime + u.systemCPUTime
  const switches = (u) => u.voluntaryContextSwitches + u.involuntaryContextSwitches
  emit(a.key ?? 'get/node', Number(a.round ?? 1), {
    latency_us: median(lat),
    p99_us: percentile(lat, 99),
    calls_per_s: calls / elapsed,
    cpu_us_per_call: (cpu(u1) - cpu(u0)) / calls,
    switches_per_call: (switches(u1) - switches(u0)) / calls,
  })
  process.exit(0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
