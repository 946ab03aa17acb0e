'use strict'
// Many concurrent calls from one client.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { rr } = require('./support.js')

test('200 concurrent get/list/start/update calls from one client all succeed', async () => {
  const emu = await rr.Emulator.start({ startupDelay: 0, pageSize: 10 })
  try {
    const client = emu.client()
    const existing = Array.from({ length: 20 }, (_, i) => `existing-${i}`)
    const toUpdate = Array.from({ length: 50 }, (_, i) => `update-${i}`)
    await Promise.all([...existing, ...toUpdate].map((id) => client.startSession(id, 'Standard', 30)))

    const calls = []
    for (let i = 0; i < 200; i++) {
      const id = existing[i % existing.length]
      switch (i % 4) {
        case 0:
          calls.push(client.getSession(id).then((s) => assert.equal(s.id, id)))
          break
        case 1:
          calls.push(
            (async () => {
              const ids = []
              for await (const s of client.listSessions()) ids.push(s.id)
              for (const e of existing) assert.ok(ids.includes(e))
            })(),
          )
          break
        case 2:
          calls.push(client.startSession(`new-${i}`, 'Standard', 10).then((s) => assert.equal(s.id, `new-${i}`)))
          break
        default:
          // Each update on its own session: concurrent updates of one session may arrive out of order.
          calls.push(client.updateSession(toUpdate[(i - 3) / 4], 60).then((s) => assert.equal(s.leaseMinutes, 60)))
      }
    }
    const results = await Promise.allSettled(calls)
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))
    assert.deepEqual(failures, [])
    assert.equal(emu.requests('create_session'), 20 + 50 + 50)
    assert.equal(emu.requests('update_session'), 50)
    assert.equal(emu.requests('sts'), 1, 'one token shared by every concurrent call')
  } finally {
    await emu.stop()
  }
})
