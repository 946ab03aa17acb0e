'use strict'
// `await using s = await client.session(...)` followed by a throw stops the session and lets the
// error through. Node 20 cannot parse `await using`, so test/await-using.ts is compiled with the
// installed TypeScript into a temporary folder and run there.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { runProcess } = require('./support')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const PKG = path.resolve(__dirname, '..')
const TSC = path.join(PKG, 'node_modules', '.bin', 'tsc')

let tmp


before(() => {
  // tmp/src/await-using.ts imports 'remote-rendering', found through tmp/node_modules (a link to
  // this package) both by tsc (types from index.d.ts) and by node running tmp/out/await-using.js.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-await-using-'))
  fs.mkdirSync(path.join(tmp, 'src'))
  fs.mkdirSync(path.join(tmp, 'node_modules'))
  fs.copyFileSync(path.join(__dirname, 'await-using.ts'), path.join(tmp, 'src', 'await-using.ts'))
  fs.symlinkSync(PKG, path.join(tmp, 'node_modules', 'remote-rendering'), 'dir')
})

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

test('await using stops the session when the block throws, and the error propagates', { skip: !fs.existsSync(TSC) && 'typescript is not installed' }, async () => {
  const out = path.join(tmp, 'out')
  const compiled = await runProcess(
    TSC,
    [
      '--target', 'es2022',
      '--module', 'commonjs',
      '--lib', 'es2022,esnext.disposable',
      '--types', 'node',
      '--strict',
      '--outDir', out,
      path.join(tmp, 'src', 'await-using.ts'),
    ],
    { cwd: PKG }, // --types node is found in this package's node_modules/@types
  )
  assert.equal(compiled.code, 0, `tsc failed:\n${compiled.stdout}${compiled.stderr}`)
  const js = path.join(out, 'await-using.js')
  assert.match(fs.readFileSync(js, 'utf8'), /__addDisposableResource|__disposeResources/, 'await using was lowered')

  const r = await runProcess(process.execPath, [js], { cwd: tmp })
  assert.equal(r.code, 0, r.stderr)
  const result = JSON.parse(r.stdout.trim())
  assert.match(result.id, /^session-/)
  assert.equal(result.caughtIsBoom, true, `caught: ${result.caughtMessage}`)
  assert.equal(result.caughtMessage, 'thrown inside the await using block')
  assert.equal(result.statusAfter, 'Stopped')
  assert.equal(result.stopRequests, 1)
  assert.doesNotMatch(r.stderr, /panicked/)
})
