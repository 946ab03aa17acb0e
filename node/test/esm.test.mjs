// The ESM entry gives the very objects of the CommonJS entry.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as byName from 'remote-rendering'
import byDefault, { Emulator, RemoteRenderingClient, RemoteRenderingError, NotFoundError, AbortError } from 'remote-rendering'
import * as byPath from '../index.mjs'

const require = createRequire(import.meta.url)
const cjs = require('remote-rendering')

test('ESM import of remote-rendering gives the same classes as require()', () => {
  assert.equal(Emulator, cjs.Emulator)
  assert.equal(RemoteRenderingClient, cjs.RemoteRenderingClient)
  assert.equal(RemoteRenderingError, cjs.RemoteRenderingError)
  assert.equal(NotFoundError, cjs.NotFoundError)
  assert.equal(AbortError, cjs.AbortError)
  assert.equal(byDefault, cjs)
  assert.equal(byPath.RemoteRenderingClient, cjs.RemoteRenderingClient)
  assert.equal(require('../index.js'), cjs, 'the package name and the path resolve to one module')
})

test('every CommonJS export is a named ESM export', () => {
  for (const name of Object.keys(cjs)) {
    assert.ok(name in byName, `${name} is exported by index.mjs`)
    assert.equal(byName[name], cjs[name], name)
  }
})

test('an error thrown through the ESM entry is instanceof the CommonJS class', async () => {
  const emu = await Emulator.start()
  try {
    const client = emu.client()
    await assert.rejects(client.getSession('esm-missing'), (e) => e instanceof cjs.NotFoundError && e instanceof NotFoundError)
  } finally {
    await emu.stop()
  }
})
