'use strict'
// The loader's error on a platform without an addon: it names the platform and the way to build
// from source, never napi's generic message that blames npm. The platform is faked in a child
// process (process.arch), so napi's loader finds no addon for it.
const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const path = require('node:path')

function loadAs(arch) {
  const script = `Object.defineProperty(process, 'arch', { value: ${JSON.stringify(arch)} })
    try { require(${JSON.stringify(path.join(__dirname, '..'))}); console.log(JSON.stringify({ loaded: true })) }
    catch (e) { console.log(JSON.stringify({ code: e.code, platform: e.platform, message: e.message, cause: Boolean(e.cause) })) }`
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
}

test('a platform without an addon gets an error naming it and how to build from source', () => {
  const r = loadAs('riscv64')
  assert.equal(r.code, 'ERR_REMOTE_RENDERING_NO_ADDON')
  assert.equal(r.platform, process.platform === 'linux' ? `linux-riscv64-${r.platform.split('-')[2]}` : `${process.platform}-riscv64`)
  assert.match(r.message, /riscv64/)
  assert.match(r.message, /from source/)
  assert.match(r.message, /rustup\.rs/)
  assert.doesNotMatch(r.message, /npm has a bug/)
  assert.equal(r.cause, true, "napi's own errors are kept as the cause")
})

test('the addon of this platform still loads through the same loader', () => {
  assert.deepEqual(loadAs(process.arch), { loaded: true })
})
