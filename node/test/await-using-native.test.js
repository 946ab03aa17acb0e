'use strict'
// `await using` as the runtime itself runs it, not as TypeScript lowers it (await-using.test.js):
// on a Node.js that parses the syntax (24 and later), a block holding a managed session and
// left by a throw stops the session and lets the error through. A Node.js without the syntax
// skips this test, saying so; the version matrix (make test-matrix) runs it on Node 24.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { runProcess } = require('./support')
const path = require('node:path')
const { pathToFileURL } = require('node:url')

const ENTRY = pathToFileURL(path.resolve(__dirname, '..', 'index.mjs')).href

function parsesAwaitUsing() {
  try {
    // Only parsed, never called.
    new Function('return async () => { await using x = null }')
    return true
  } catch {
    return false
  }
}

// Run as an ES module from a string: a file with this syntax could not even be loaded by the
// test runner of a Node.js that lacks it.
const SCRIPT = `
const { Emulator } = await import(${JSON.stringify(ENTRY)})
class Boom extends Error {}
const emu = await Emulator.start({ startupDelay: 0 })
const client = emu.client({ pollInterval: 10 })
let id
let caught
let disposeSeen = false
try {
  await using managed = await client.session({ leaseMinutes: 10 })
  id = managed.id
  disposeSeen = typeof managed[Symbol.asyncDispose] === 'function'
  if ((await client.getSession(id)).status !== 'Ready') throw new Error('not Ready inside the block')
  throw new Boom('thrown inside the await using block')
} catch (e) {
  caught = e
}
const after = id === undefined ? undefined : await client.getSession(id)
const result = {
  id,
  disposeSeen,
  statusAfter: after?.status,
  caughtIsBoom: caught instanceof Boom,
  caughtMessage: caught instanceof Error ? caught.message : String(caught),
  stopRequests: emu.requests('stop_session'),
}
await emu.stop()
console.log(JSON.stringify(result))
`


test(
  'native await using stops the session when the block throws, and the error propagates',
  { skip: !parsesAwaitUsing() && `Node.js ${process.version} does not parse await using (24 and later do)` },
  async () => {
    const r = await runProcess(process.execPath, ['--input-type=module', '-e', SCRIPT])
    assert.equal(r.code, 0, r.stderr)
    const result = JSON.parse(r.stdout.trim())
    assert.match(result.id, /^session-/)
    assert.equal(result.disposeSeen, true, 'a managed session is async-disposable')
    assert.equal(result.caughtIsBoom, true, `caught: ${result.caughtMessage}`)
    assert.equal(result.caughtMessage, 'thrown inside the await using block')
    assert.equal(result.statusAfter, 'Stopped')
    assert.equal(result.stopRequests, 1)
    assert.doesNotMatch(r.stderr, /panicked/)
  },
)
