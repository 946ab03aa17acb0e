'use strict'
// The lease keeper's budget (`budget` counted at `costRates`; fields named in camelCase, as
// every field of this package): never extended past it, the
// session stopped when the next step would pass it, bad values refused naming the field.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const { rr, expectError, until } = require('./support.js')
const { Emulator, InvalidInputError } = rr

// 6 an hour: 0.10 a minute.
const costRates = { standardPerHour: 6 }
const lease = { stepMinutes: 2, marginMinutes: 1, maxTotalMinutes: 20, checkInterval: 20, costRates }

describe('keepAlive with a budget', () => {
  test('stops the session when the next extension would pass the budget', async () => {
    // timeScale 600: a minute is 100 ms. Lease 2 (0.20) → 4 (0.40) fits 0.45; 6 (0.60) does not.
    const emu = await Emulator.start({ startupDelay: 0, timeScale: 600 })
    try {
      const client = emu.client({ pollInterval: 10 })
      await client.startSession('budget-node', 'Standard', 2)
      const keeper = client.keepAlive('budget-node', { ...lease, budget: 0.45 })
      await until(() => keeper.isFinished, { timeout: 5000, what: 'the keeper to stop the session' })
      assert.equal(keeper.stoppedByBudget, true)
      assert.equal(keeper.extensions, 1)
      const s = await client.getSession('budget-node')
      assert.equal(s.status, 'Stopped')
      assert.equal(s.leaseMinutes, 4)
      assert.equal(emu.requests('update_session'), 1)
      await keeper.close()
    } finally {
      await emu.stop()
    }
  })

  test('bad budgets and rates are refused naming the field, before anything is sent', async () => {
    const emu = await Emulator.start({ startupDelay: 60_000 })
    try {
      const client = emu.client({ pollInterval: 10 })
      for (const [options, field] of [
        [{ budget: 5 }, 'lease.costRates'],
        [{ budget: -1, costRates }, 'lease.budget'],
        [{ costRates: { premiumPerHour: -3 } }, 'lease.costRates.premiumPerHour'],
      ]) {
        await expectError(() => client.keepAlive('any-session', options), InvalidInputError, { field })
      }
      // session(): a first lease of 30 minutes costs 3.00, over a budget of 2.50.
      const e = await expectError(
        client.session({ leaseMinutes: 30, keepAlive: { budget: 2.5, costRates } }),
        InvalidInputError,
        { field: 'lease.budget' },
      )
      assert.match(e.message, /3\.00/)
      assert.equal(emu.requests('sts'), 0)
    } finally {
      await emu.stop()
    }
  })
})
