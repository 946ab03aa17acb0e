'use strict'
// Fleet: --sessions sessions started, waited to Ready and stopped concurrently from one Node
// process, against a running emulator (see bench/python/fleet.py for what each figure means).
//   node fleet.js --endpoint URL --account-id ID --account-key KEY --startup-delay 5
const { emit, args, emulatorRequests, peakRssMiB, loadPackage } = require('./common')

async function main() {
  const a = args()
  const { RemoteRenderingClient } = loadPackage()
  const n = Number(a.sessions ?? 1000)
  const round = Number(a.round ?? 1)
  const delay = Number(a['startup-delay'] ?? 5)
  // undefined: the library default (5 s)
  const pollInterval = a['poll-interval'] === undefined ? undefined : Number(a['poll-interval']) * 1000
  const client = new RemoteRenderingClient({
    accountId: a['account-id'],
    accountDomain: '127.0.0.1',
    endpoint: a.endpoint,
    stsEndpoint: a.endpoint,
    credential: { accountKey: a['account-key'] },
    pollInterval,
  })
  const ids = Array.from({ length: n }, (_, i) => `fleet-node-${round}-${i}-${process.pid}`)
  const before = await emulatorRequests(a.endpoint)
  const t0 = performance.now()
  const started = await Promise.allSettled(ids.map((id) => client.startSession(id, 'Standard', 30)))
  const tStarted = performance.now() - t0
  const ready = await client.waitForSessions(ids)
  const tReady = performance.now() - t0
  const stopped = await Promise.allSettled(ids.map((id) => client.stopSession(id)))
  const wall = (performance.now() - t0) / 1000
  const after = await emulatorRequests(a.endpoint)
  const failures =
    started.filter((r) => r.status === 'rejected').length +
    stopped.filter((r) => r.status === 'rejected').length +
    ready.filter((r) => r instanceof Error).length
  emit(a.key ?? 'fleet/node', round, {
    wall_s: wall,
    beyond_delay_s: wall - delay,
    start_s: tStarted / 1000,
    ready_s: tReady / 1000,
    stop_s: wall - tReady / 1000,
    requests_per_session: (after - before) / n,
    peak_rss_mib: peakRssMiB(),
    failures,
  })
  process.exit(0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
