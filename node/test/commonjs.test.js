'use strict'
// The CommonJS entry: the package name and the main file are one module with the documented exports.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { CODES } = require('./support.js')

test('require of remote-rendering resolves to index.js with every documented export', () => {
  assert.equal(require.resolve('remote-rendering'), path.resolve(__dirname, '..', 'index.js'))
  const rr = require('remote-rendering')
  for (const name of [
    'RemoteRenderingClient',
    'ManagedSession',
    'LeaseKeeper',
    'Emulator',
    'RemoteRenderingError',
    ...Object.keys(CODES),
    'SessionStatus',
    'SessionSize',
    'ConversionStatus',
    'version',
  ]) {
    assert.ok(rr[name] !== undefined, `${name} is exported`)
  }
  assert.equal(rr.version, require('../package.json').version)
})
