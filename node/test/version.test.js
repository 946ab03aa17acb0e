'use strict'
// The package's version is the workspace's version (one version everywhere).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const rr = require('..')

test('the package version is the workspace version', () => {
  const cargo = fs.readFileSync(path.join(__dirname, '..', '..', 'Cargo.toml'), 'utf8')
  const section = cargo.split('[workspace.package]')[1]
  const version = /^version\s*=\s*"([^"]+)"/m.exec(section)[1]
  assert.equal(require('../package.json').version, version)
  assert.equal(rr.version, version)
})
